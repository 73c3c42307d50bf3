from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.catalogue_response_catalogue import CatalogueResponseCatalogue
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    version: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    params: dict[str, Any] = {}

    json_version: int | None | Unset
    if isinstance(version, Unset):
        json_version = UNSET
    else:
        json_version = version
    params["version"] = json_version

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/catalogue",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | CatalogueResponseCatalogue | Problem | None:
    if response.status_code == 200:
        response_200 = CatalogueResponseCatalogue.from_dict(response.json())

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
) -> Response[Any | CatalogueResponseCatalogue | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | CatalogueResponseCatalogue | Problem]:
    """Catalogue

     The service menu (the current version unless asked), with every version there is; the activities'
    and need areas' names in the caller's language (Accept-Language).

    Args:
        version (int | None | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CatalogueResponseCatalogue | Problem]
    """

    kwargs = _get_kwargs(
        version=version,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | CatalogueResponseCatalogue | Problem | None:
    """Catalogue

     The service menu (the current version unless asked), with every version there is; the activities'
    and need areas' names in the caller's language (Accept-Language).

    Args:
        version (int | None | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CatalogueResponseCatalogue | Problem
    """

    return sync_detailed(
        client=client,
        version=version,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | CatalogueResponseCatalogue | Problem]:
    """Catalogue

     The service menu (the current version unless asked), with every version there is; the activities'
    and need areas' names in the caller's language (Accept-Language).

    Args:
        version (int | None | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CatalogueResponseCatalogue | Problem]
    """

    kwargs = _get_kwargs(
        version=version,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | CatalogueResponseCatalogue | Problem | None:
    """Catalogue

     The service menu (the current version unless asked), with every version there is; the activities'
    and need areas' names in the caller's language (Accept-Language).

    Args:
        version (int | None | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CatalogueResponseCatalogue | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            version=version,
            if_none_match=if_none_match,
        )
    ).parsed
