from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.rebuild_response_rebuild import RebuildResponseRebuild
from ...types import UNSET, Response, Unset


def _get_kwargs(
    name: str,
    *,
    prefer: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(prefer, Unset):
        headers["prefer"] = prefer

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/ops/projections/{name}/rebuild".format(
            name=quote(str(name), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | RebuildResponseRebuild | None:
    if response.status_code == 200:
        response_200 = RebuildResponseRebuild.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = cast(Any, None)
        return response_202

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
) -> Response[Any | Problem | RebuildResponseRebuild]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    prefer: None | str | Unset = UNSET,
) -> Response[Any | Problem | RebuildResponseRebuild]:
    """Rebuild

     Drop the projection's tables and apply the log again, as a job
    (progress at GET /jobs/{id}). With `Prefer: respond-async`: 202 at
    once, Location the job; else the answer when done, as before.

    Args:
        name (str):
        prefer (None | str | Unset): `respond-async` (RFC 7240): answer 202 at once, Location the
            job's progress

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | RebuildResponseRebuild]
    """

    kwargs = _get_kwargs(
        name=name,
        prefer=prefer,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    prefer: None | str | Unset = UNSET,
) -> Any | Problem | RebuildResponseRebuild | None:
    """Rebuild

     Drop the projection's tables and apply the log again, as a job
    (progress at GET /jobs/{id}). With `Prefer: respond-async`: 202 at
    once, Location the job; else the answer when done, as before.

    Args:
        name (str):
        prefer (None | str | Unset): `respond-async` (RFC 7240): answer 202 at once, Location the
            job's progress

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | RebuildResponseRebuild
    """

    return sync_detailed(
        name=name,
        client=client,
        prefer=prefer,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    prefer: None | str | Unset = UNSET,
) -> Response[Any | Problem | RebuildResponseRebuild]:
    """Rebuild

     Drop the projection's tables and apply the log again, as a job
    (progress at GET /jobs/{id}). With `Prefer: respond-async`: 202 at
    once, Location the job; else the answer when done, as before.

    Args:
        name (str):
        prefer (None | str | Unset): `respond-async` (RFC 7240): answer 202 at once, Location the
            job's progress

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | RebuildResponseRebuild]
    """

    kwargs = _get_kwargs(
        name=name,
        prefer=prefer,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    prefer: None | str | Unset = UNSET,
) -> Any | Problem | RebuildResponseRebuild | None:
    """Rebuild

     Drop the projection's tables and apply the log again, as a job
    (progress at GET /jobs/{id}). With `Prefer: respond-async`: 202 at
    once, Location the job; else the answer when done, as before.

    Args:
        name (str):
        prefer (None | str | Unset): `respond-async` (RFC 7240): answer 202 at once, Location the
            job's progress

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | RebuildResponseRebuild
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            prefer=prefer,
        )
    ).parsed
