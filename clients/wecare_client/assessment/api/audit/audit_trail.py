from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_trail_response_audittrail import AuditTrailResponseAudittrail
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    country: str,
    stream_id: str,
    *,
    item: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    params: dict[str, Any] = {}

    json_item: None | str | Unset
    if isinstance(item, Unset):
        json_item = UNSET
    else:
        json_item = item
    params["item"] = json_item

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/{country}/audit/{stream_id}".format(
            country=quote(str(country), safe=""),
            stream_id=quote(str(stream_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | AuditTrailResponseAudittrail | Problem | None:
    if response.status_code == 200:
        response_200 = AuditTrailResponseAudittrail.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Any | AuditTrailResponseAudittrail | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    country: str,
    stream_id: str,
    *,
    client: AuthenticatedClient,
    item: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | AuditTrailResponseAudittrail | Problem]:
    """Audit Trail

     Who did what to a factory, plan, session... and when: every event of
    the stream with its actor and times (a private event's content is not shown).

    Args:
        country (str): country code, e.g. bd
        stream_id (str):
        item (None | str | Unset): only events naming this id, e.g. a session of a delivery stream
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | AuditTrailResponseAudittrail | Problem]
    """

    kwargs = _get_kwargs(
        country=country,
        stream_id=stream_id,
        item=item,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    country: str,
    stream_id: str,
    *,
    client: AuthenticatedClient,
    item: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | AuditTrailResponseAudittrail | Problem | None:
    """Audit Trail

     Who did what to a factory, plan, session... and when: every event of
    the stream with its actor and times (a private event's content is not shown).

    Args:
        country (str): country code, e.g. bd
        stream_id (str):
        item (None | str | Unset): only events naming this id, e.g. a session of a delivery stream
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | AuditTrailResponseAudittrail | Problem
    """

    return sync_detailed(
        country=country,
        stream_id=stream_id,
        client=client,
        item=item,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    country: str,
    stream_id: str,
    *,
    client: AuthenticatedClient,
    item: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | AuditTrailResponseAudittrail | Problem]:
    """Audit Trail

     Who did what to a factory, plan, session... and when: every event of
    the stream with its actor and times (a private event's content is not shown).

    Args:
        country (str): country code, e.g. bd
        stream_id (str):
        item (None | str | Unset): only events naming this id, e.g. a session of a delivery stream
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | AuditTrailResponseAudittrail | Problem]
    """

    kwargs = _get_kwargs(
        country=country,
        stream_id=stream_id,
        item=item,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    country: str,
    stream_id: str,
    *,
    client: AuthenticatedClient,
    item: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | AuditTrailResponseAudittrail | Problem | None:
    """Audit Trail

     Who did what to a factory, plan, session... and when: every event of
    the stream with its actor and times (a private event's content is not shown).

    Args:
        country (str): country code, e.g. bd
        stream_id (str):
        item (None | str | Unset): only events naming this id, e.g. a session of a delivery stream
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | AuditTrailResponseAudittrail | Problem
    """

    return (
        await asyncio_detailed(
            country=country,
            stream_id=stream_id,
            client=client,
            item=item,
            if_none_match=if_none_match,
        )
    ).parsed
