"""Layer 5, what people read: the board report as one HTML page (`report`), its sentences in Swedish and
English (`report_texts`), the charts and their words (`charts`, `chart_texts`), and how numbers, money
and sector names are written per language (`language`)."""
