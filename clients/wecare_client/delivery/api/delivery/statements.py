from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.statements_response_statements import StatementsResponseStatements
from ...types import UNSET, Response, Unset


def _get_kwargs(
    country: str,
    *,
    programme_id: None | str | Unset = UNSET,
    factory_id: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    params: dict[str, Any] = {}

    json_programme_id: None | str | Unset
    if isinstance(programme_id, Unset):
        json_programme_id = UNSET
    else:
        json_programme_id = programme_id
    params["programme_id"] = json_programme_id

    json_factory_id: None | str | Unset
    if isinstance(factory_id, Unset):
        json_factory_id = UNSET
    else:
        json_factory_id = factory_id
    params["factory_id"] = json_factory_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/{country}/statements".format(
            country=quote(str(country), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | StatementsResponseStatements | None:
    if response.status_code == 200:
        response_200 = StatementsResponseStatements.from_dict(response.json())

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
) -> Response[Any | Problem | StatementsResponseStatements]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    country: str,
    *,
    client: AuthenticatedClient,
    programme_id: None | str | Unset = UNSET,
    factory_id: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | Problem | StatementsResponseStatements]:
    """Statements

     Sentences of the kind the programme's reports quote, straight from the
    recorded sessions (people with an id counted once per activity), in the
    caller's language (Accept-Language).

    Args:
        country (str): country code, e.g. bd
        programme_id (None | str | Unset):
        factory_id (None | str | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | StatementsResponseStatements]
    """

    kwargs = _get_kwargs(
        country=country,
        programme_id=programme_id,
        factory_id=factory_id,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    country: str,
    *,
    client: AuthenticatedClient,
    programme_id: None | str | Unset = UNSET,
    factory_id: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | Problem | StatementsResponseStatements | None:
    """Statements

     Sentences of the kind the programme's reports quote, straight from the
    recorded sessions (people with an id counted once per activity), in the
    caller's language (Accept-Language).

    Args:
        country (str): country code, e.g. bd
        programme_id (None | str | Unset):
        factory_id (None | str | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | StatementsResponseStatements
    """

    return sync_detailed(
        country=country,
        client=client,
        programme_id=programme_id,
        factory_id=factory_id,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    country: str,
    *,
    client: AuthenticatedClient,
    programme_id: None | str | Unset = UNSET,
    factory_id: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | Problem | StatementsResponseStatements]:
    """Statements

     Sentences of the kind the programme's reports quote, straight from the
    recorded sessions (people with an id counted once per activity), in the
    caller's language (Accept-Language).

    Args:
        country (str): country code, e.g. bd
        programme_id (None | str | Unset):
        factory_id (None | str | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | StatementsResponseStatements]
    """

    kwargs = _get_kwargs(
        country=country,
        programme_id=programme_id,
        factory_id=factory_id,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    country: str,
    *,
    client: AuthenticatedClient,
    programme_id: None | str | Unset = UNSET,
    factory_id: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | Problem | StatementsResponseStatements | None:
    """Statements

     Sentences of the kind the programme's reports quote, straight from the
    recorded sessions (people with an id counted once per activity), in the
    caller's language (Accept-Language).

    Args:
        country (str): country code, e.g. bd
        programme_id (None | str | Unset):
        factory_id (None | str | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | StatementsResponseStatements
    """

    return (
        await asyncio_detailed(
            country=country,
            client=client,
            programme_id=programme_id,
            factory_id=factory_id,
            if_none_match=if_none_match,
        )
    ).parsed
