from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deliver_session_response_deliversession import DeliverSessionResponseDeliversession
from ...models.problem import Problem
from ...models.record_attendance_body import RecordAttendanceBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    country: str,
    plan_id: str,
    session_id: str,
    *,
    body: RecordAttendanceBody,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["if-match"] = if_match

    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/{country}/deliveries/{plan_id}/sessions/{session_id}/attendance".format(
            country=quote(str(country), safe=""),
            plan_id=quote(str(plan_id), safe=""),
            session_id=quote(str(session_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeliverSessionResponseDeliversession | Problem | None:
    if response.status_code == 200:
        response_200 = DeliverSessionResponseDeliversession.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DeliverSessionResponseDeliversession | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    country: str,
    plan_id: str,
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: RecordAttendanceBody,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[DeliverSessionResponseDeliversession | Problem]:
    """Deliver Session

     The session took place: who came. Sending the same attendance again changes nothing.

    Args:
        country (str): country code, e.g. bd
        plan_id (str):
        session_id (str):
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):
        body (RecordAttendanceBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliverSessionResponseDeliversession | Problem]
    """

    kwargs = _get_kwargs(
        country=country,
        plan_id=plan_id,
        session_id=session_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    country: str,
    plan_id: str,
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: RecordAttendanceBody,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> DeliverSessionResponseDeliversession | Problem | None:
    """Deliver Session

     The session took place: who came. Sending the same attendance again changes nothing.

    Args:
        country (str): country code, e.g. bd
        plan_id (str):
        session_id (str):
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):
        body (RecordAttendanceBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliverSessionResponseDeliversession | Problem
    """

    return sync_detailed(
        country=country,
        plan_id=plan_id,
        session_id=session_id,
        client=client,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    country: str,
    plan_id: str,
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: RecordAttendanceBody,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[DeliverSessionResponseDeliversession | Problem]:
    """Deliver Session

     The session took place: who came. Sending the same attendance again changes nothing.

    Args:
        country (str): country code, e.g. bd
        plan_id (str):
        session_id (str):
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):
        body (RecordAttendanceBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliverSessionResponseDeliversession | Problem]
    """

    kwargs = _get_kwargs(
        country=country,
        plan_id=plan_id,
        session_id=session_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    country: str,
    plan_id: str,
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: RecordAttendanceBody,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> DeliverSessionResponseDeliversession | Problem | None:
    """Deliver Session

     The session took place: who came. Sending the same attendance again changes nothing.

    Args:
        country (str): country code, e.g. bd
        plan_id (str):
        session_id (str):
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):
        body (RecordAttendanceBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliverSessionResponseDeliversession | Problem
    """

    return (
        await asyncio_detailed(
            country=country,
            plan_id=plan_id,
            session_id=session_id,
            client=client,
            body=body,
            if_match=if_match,
            idempotency_key=idempotency_key,
        )
    ).parsed
