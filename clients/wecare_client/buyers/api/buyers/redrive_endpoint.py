from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.redrive_endpoint_response_redriveendpoint import RedriveEndpointResponseRedriveendpoint
from ...types import UNSET, Response, Unset


def _get_kwargs(
    buyer: str,
    endpoint_id: str,
    *,
    delivery_id: int | None | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["if-match"] = if_match

    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key

    params: dict[str, Any] = {}

    json_delivery_id: int | None | Unset
    if isinstance(delivery_id, Unset):
        json_delivery_id = UNSET
    else:
        json_delivery_id = delivery_id
    params["delivery_id"] = json_delivery_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/buyers/{buyer}/webhooks/{endpoint_id}/redrive".format(
            buyer=quote(str(buyer), safe=""),
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RedriveEndpointResponseRedriveendpoint | None:
    if response.status_code == 200:
        response_200 = RedriveEndpointResponseRedriveendpoint.from_dict(response.json())

        return response_200

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
) -> Response[Problem | RedriveEndpointResponseRedriveendpoint]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    buyer: str,
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    delivery_id: int | None | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | RedriveEndpointResponseRedriveendpoint]:
    """Redrive Endpoint

     The endpoint's parked deliveries go again, in order, from a fresh count
    of attempts (see the delivery log's `status=parked`).

    Args:
        buyer (str):
        endpoint_id (str):
        delivery_id (int | None | Unset): one parked delivery; absent: all of the endpoint's
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RedriveEndpointResponseRedriveendpoint]
    """

    kwargs = _get_kwargs(
        buyer=buyer,
        endpoint_id=endpoint_id,
        delivery_id=delivery_id,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    buyer: str,
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    delivery_id: int | None | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | RedriveEndpointResponseRedriveendpoint | None:
    """Redrive Endpoint

     The endpoint's parked deliveries go again, in order, from a fresh count
    of attempts (see the delivery log's `status=parked`).

    Args:
        buyer (str):
        endpoint_id (str):
        delivery_id (int | None | Unset): one parked delivery; absent: all of the endpoint's
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RedriveEndpointResponseRedriveendpoint
    """

    return sync_detailed(
        buyer=buyer,
        endpoint_id=endpoint_id,
        client=client,
        delivery_id=delivery_id,
        if_match=if_match,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    buyer: str,
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    delivery_id: int | None | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | RedriveEndpointResponseRedriveendpoint]:
    """Redrive Endpoint

     The endpoint's parked deliveries go again, in order, from a fresh count
    of attempts (see the delivery log's `status=parked`).

    Args:
        buyer (str):
        endpoint_id (str):
        delivery_id (int | None | Unset): one parked delivery; absent: all of the endpoint's
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RedriveEndpointResponseRedriveendpoint]
    """

    kwargs = _get_kwargs(
        buyer=buyer,
        endpoint_id=endpoint_id,
        delivery_id=delivery_id,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    buyer: str,
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    delivery_id: int | None | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | RedriveEndpointResponseRedriveendpoint | None:
    """Redrive Endpoint

     The endpoint's parked deliveries go again, in order, from a fresh count
    of attempts (see the delivery log's `status=parked`).

    Args:
        buyer (str):
        endpoint_id (str):
        delivery_id (int | None | Unset): one parked delivery; absent: all of the endpoint's
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RedriveEndpointResponseRedriveendpoint
    """

    return (
        await asyncio_detailed(
            buyer=buyer,
            endpoint_id=endpoint_id,
            client=client,
            delivery_id=delivery_id,
            if_match=if_match,
            idempotency_key=idempotency_key,
        )
    ).parsed
