from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.feed_page import FeedPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    buyer: str,
    *,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    type_: list[str] | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    params: dict[str, Any] = {}

    json_after: None | str | Unset
    if isinstance(after, Unset):
        json_after = UNSET
    else:
        json_after = after
    params["after"] = json_after

    params["limit"] = limit

    json_type_: list[str] | None | Unset
    if isinstance(type_, Unset):
        json_type_ = UNSET
    elif isinstance(type_, list):
        json_type_ = type_

    else:
        json_type_ = type_
    params["type"] = json_type_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/buyers/{buyer}/feed".format(
            buyer=quote(str(buyer), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | FeedPage | Problem | None:
    if response.status_code == 200:
        response_200 = FeedPage.from_dict(response.json())

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
) -> Response[Any | FeedPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    buyer: str,
    *,
    client: AuthenticatedClient,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    type_: list[str] | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | FeedPage | Problem]:
    """Read Feed

     The buyer's records in order, after the cursor: CloudEvents 1.0 with a
    `sequence`. Pass the answer's `next` as `after` to read on; `more` says
    whether there is more now.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        after (None | str | Unset): the `sequence` of the last record read; absent: from the start
        limit (int | Unset):  Default: 100.
        type_ (list[str] | None | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FeedPage | Problem]
    """

    kwargs = _get_kwargs(
        buyer=buyer,
        after=after,
        limit=limit,
        type_=type_,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    buyer: str,
    *,
    client: AuthenticatedClient,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    type_: list[str] | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | FeedPage | Problem | None:
    """Read Feed

     The buyer's records in order, after the cursor: CloudEvents 1.0 with a
    `sequence`. Pass the answer's `next` as `after` to read on; `more` says
    whether there is more now.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        after (None | str | Unset): the `sequence` of the last record read; absent: from the start
        limit (int | Unset):  Default: 100.
        type_ (list[str] | None | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FeedPage | Problem
    """

    return sync_detailed(
        buyer=buyer,
        client=client,
        after=after,
        limit=limit,
        type_=type_,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    buyer: str,
    *,
    client: AuthenticatedClient,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    type_: list[str] | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | FeedPage | Problem]:
    """Read Feed

     The buyer's records in order, after the cursor: CloudEvents 1.0 with a
    `sequence`. Pass the answer's `next` as `after` to read on; `more` says
    whether there is more now.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        after (None | str | Unset): the `sequence` of the last record read; absent: from the start
        limit (int | Unset):  Default: 100.
        type_ (list[str] | None | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FeedPage | Problem]
    """

    kwargs = _get_kwargs(
        buyer=buyer,
        after=after,
        limit=limit,
        type_=type_,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    buyer: str,
    *,
    client: AuthenticatedClient,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    type_: list[str] | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | FeedPage | Problem | None:
    """Read Feed

     The buyer's records in order, after the cursor: CloudEvents 1.0 with a
    `sequence`. Pass the answer's `next` as `after` to read on; `more` says
    whether there is more now.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        after (None | str | Unset): the `sequence` of the last record read; absent: from the start
        limit (int | Unset):  Default: 100.
        type_ (list[str] | None | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FeedPage | Problem
    """

    return (
        await asyncio_detailed(
            buyer=buyer,
            client=client,
            after=after,
            limit=limit,
            type_=type_,
            if_none_match=if_none_match,
        )
    ).parsed
