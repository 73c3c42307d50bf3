from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.redrive_response_redrive import RedriveResponseRedrive
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    projection: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_projection: None | str | Unset
    if isinstance(projection, Unset):
        json_projection = UNSET
    else:
        json_projection = projection
    params["projection"] = json_projection

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/ops/parked/redrive",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RedriveResponseRedrive | None:
    if response.status_code == 200:
        response_200 = RedriveResponseRedrive.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[Problem | RedriveResponseRedrive]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    projection: None | str | Unset = UNSET,
) -> Response[Problem | RedriveResponseRedrive]:
    """Redrive

    Args:
        projection (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RedriveResponseRedrive]
    """

    kwargs = _get_kwargs(
        projection=projection,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    projection: None | str | Unset = UNSET,
) -> Problem | RedriveResponseRedrive | None:
    """Redrive

    Args:
        projection (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RedriveResponseRedrive
    """

    return sync_detailed(
        client=client,
        projection=projection,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    projection: None | str | Unset = UNSET,
) -> Response[Problem | RedriveResponseRedrive]:
    """Redrive

    Args:
        projection (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RedriveResponseRedrive]
    """

    kwargs = _get_kwargs(
        projection=projection,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    projection: None | str | Unset = UNSET,
) -> Problem | RedriveResponseRedrive | None:
    """Redrive

    Args:
        projection (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RedriveResponseRedrive
    """

    return (
        await asyncio_detailed(
            client=client,
            projection=projection,
        )
    ).parsed
