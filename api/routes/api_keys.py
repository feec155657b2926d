"""API keys of the caller's organisation (admins only): make one, list them, revoke one."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import select

from api.auth import create_api_key
from api.data import own_key
from api.db import ApiKey, PrincipalKind, now
from api.deps import Admin, SessionDep
from api.problems import problem_responses
from api.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut

router = APIRouter(prefix="/v1/api-keys", tags=["API keys"])


@router.post(
    "",
    status_code=201,
    response_model=ApiKeyCreated,
    summary="Make a key (shown only in this answer)",
    responses=problem_responses(400, 401, 403, 413, 422),
)
def create_key(body: ApiKeyCreate, principal: Admin, session: SessionDep) -> JSONResponse:
    record, plain = create_api_key(session, principal.organisation_id, body.role)
    session.commit()
    created = ApiKeyCreated.model_validate({**ApiKeyOut.model_validate(record).model_dump(), "key": plain})
    return JSONResponse(
        jsonable_encoder(created), status_code=201, headers={"Location": f"/v1/api-keys/{record.id}"}
    )


@router.get(
    "",
    response_model=list[ApiKeyOut],
    summary="The organisation's keys (prefixes and roles, never the keys)",
    responses=problem_responses(401, 403),
)
def list_keys(principal: Admin, session: SessionDep) -> list[ApiKeyOut]:
    rows = session.scalars(
        select(ApiKey)
        .where(ApiKey.organisation_id == principal.organisation_id, ApiKey.kind == PrincipalKind.KEY)
        .order_by(ApiKey.created_at.desc(), ApiKey.id)
    ).all()
    return [ApiKeyOut.model_validate(r) for r in rows]


@router.get(
    "/{key_id}",
    response_model=ApiKeyOut,
    summary="One key (prefix and role)",
    responses=problem_responses(401, 403, 404, 422),
)
def get_key(key_id: str, principal: Admin, session: SessionDep) -> ApiKeyOut:
    return ApiKeyOut.model_validate(own_key(session, principal, key_id))


@router.delete(
    "/{key_id}",
    status_code=204,
    summary="Revoke a key (it stops working at once; revoking again does nothing)",
    responses=problem_responses(401, 403, 404, 422),
)
def revoke_key(key_id: str, principal: Admin, session: SessionDep) -> Response:
    record = own_key(session, principal, key_id)
    if record.revoked_at is None:
        record.revoked_at = now()
        session.commit()
    return Response(status_code=204)
