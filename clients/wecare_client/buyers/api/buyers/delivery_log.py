from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delivery_log_response_deliverylog import DeliveryLogResponseDeliverylog
from ...models.delivery_log_status_type_0 import DeliveryLogStatusType0
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    buyer: str,
    endpoint_id: str,
    *,
    status: DeliveryLogStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, DeliveryLogStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/buyers/{buyer}/webhooks/{endpoint_id}/deliveries".format(
            buyer=quote(str(buyer), safe=""),
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | DeliveryLogResponseDeliverylog | Problem | None:
    if response.status_code == 200:
        response_200 = DeliveryLogResponseDeliverylog.from_dict(response.json())

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
) -> Response[Any | DeliveryLogResponseDeliverylog | Problem]:
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
    status: DeliveryLogStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | DeliveryLogResponseDeliverylog | Problem]:
    """Delivery Log

     Every delivery to the endpoint, in feed order, with its attempts.

    Args:
        buyer (str):
        endpoint_id (str):
        status (DeliveryLogStatusType0 | None | Unset):
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DeliveryLogResponseDeliverylog | Problem]
    """

    kwargs = _get_kwargs(
        buyer=buyer,
        endpoint_id=endpoint_id,
        status=status,
        limit=limit,
        offset=offset,
        if_none_match=if_none_match,
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
    status: DeliveryLogStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
) -> Any | DeliveryLogResponseDeliverylog | Problem | None:
    """Delivery Log

     Every delivery to the endpoint, in feed order, with its attempts.

    Args:
        buyer (str):
        endpoint_id (str):
        status (DeliveryLogStatusType0 | None | Unset):
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DeliveryLogResponseDeliverylog | Problem
    """

    return sync_detailed(
        buyer=buyer,
        endpoint_id=endpoint_id,
        client=client,
        status=status,
        limit=limit,
        offset=offset,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    buyer: str,
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    status: DeliveryLogStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | DeliveryLogResponseDeliverylog | Problem]:
    """Delivery Log

     Every delivery to the endpoint, in feed order, with its attempts.

    Args:
        buyer (str):
        endpoint_id (str):
        status (DeliveryLogStatusType0 | None | Unset):
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DeliveryLogResponseDeliverylog | Problem]
    """

    kwargs = _get_kwargs(
        buyer=buyer,
        endpoint_id=endpoint_id,
        status=status,
        limit=limit,
        offset=offset,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    buyer: str,
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    status: DeliveryLogStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    if_none_match: str | Unset = UNSET,
) -> Any | DeliveryLogResponseDeliverylog | Problem | None:
    """Delivery Log

     Every delivery to the endpoint, in feed order, with its attempts.

    Args:
        buyer (str):
        endpoint_id (str):
        status (DeliveryLogStatusType0 | None | Unset):
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DeliveryLogResponseDeliverylog | Problem
    """

    return (
        await asyncio_detailed(
            buyer=buyer,
            endpoint_id=endpoint_id,
            client=client,
            status=status,
            limit=limit,
            offset=offset,
            if_none_match=if_none_match,
        )
    ).parsed
