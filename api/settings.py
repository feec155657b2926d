"""The one settings object of the service, read from the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path("data")


class Settings(BaseSettings):
    """Service settings; every one can be set as an environment variable of the same name in capitals."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{DATA_DIR / 'klimatportfolj.db'}")
    max_body_bytes: int = Field(default=20 * 1024 * 1024, gt=0, description="413 above this request size")
    max_projects: int = Field(default=100_000, gt=0, description="422 above this many projects in a list")
    max_runs_in_flight: int = Field(
        default=20, gt=0, description="429 when an organisation has this many queued/running runs"
    )
    max_time_limit_s: float = Field(default=300.0, gt=0, description="cap on any run's solver time limit")
    default_time_limit_s: float = Field(
        default=60.0, gt=0, description="time limit of runs whose scenario sets none"
    )
    lease_s: float = Field(
        default=30.0, gt=0, description="a running job whose lease is older than this is reclaimed"
    )
    workers: int = Field(default=1, ge=0, description="worker processes started by `python -m api serve`")
    max_wait_s: float = Field(default=30.0, ge=0, description="cap on ?wait=S of POST /v1/runs")
    sweep_executor: Literal["serial", "process", "dask"] = Field(
        default="process",
        description="where a run's many solves (uncertainty draws) run: in the solve process, a local "
        "process pool, or Dask (the cluster at dask_scheduler; without it a LocalCluster per run)",
    )
    sweep_workers: int | None = Field(
        default=None, gt=0, description="processes of the local pool or LocalCluster (default: one per core)"
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="the address people open the web app at; invitation links begin with it",
    )
    dask_scheduler: str | None = Field(
        default=None,
        description="address of a running Dask scheduler (tcp://HOST:PORT); implies sweep_executor dask",
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
