from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.republish_response_republish import RepublishResponseRepublish
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    from_position: int,
    prefer: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(prefer, Unset):
        headers["prefer"] = prefer

    params: dict[str, Any] = {}

    params["from_position"] = from_position

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/ops/relay/republish",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | RepublishResponseRepublish | None:
    if response.status_code == 200:
        response_200 = RepublishResponseRepublish.from_dict(response.json())

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
) -> Response[Any | Problem | RepublishResponseRepublish]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    from_position: int,
    prefer: None | str | Unset = UNSET,
) -> Response[Any | Problem | RepublishResponseRepublish]:
    """Republish

     Mark every event from the position on for publication again; the
    relay publishes them, followed by a job (done: those published).
    With `Prefer: respond-async`: 202, Location the job; else 200 once marked.

    Args:
        from_position (int):
        prefer (None | str | Unset): `respond-async` (RFC 7240): answer 202 at once, Location the
            job's progress

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | RepublishResponseRepublish]
    """

    kwargs = _get_kwargs(
        from_position=from_position,
        prefer=prefer,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    from_position: int,
    prefer: None | str | Unset = UNSET,
) -> Any | Problem | RepublishResponseRepublish | None:
    """Republish

     Mark every event from the position on for publication again; the
    relay publishes them, followed by a job (done: those published).
    With `Prefer: respond-async`: 202, Location the job; else 200 once marked.

    Args:
        from_position (int):
        prefer (None | str | Unset): `respond-async` (RFC 7240): answer 202 at once, Location the
            job's progress

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | RepublishResponseRepublish
    """

    return sync_detailed(
        client=client,
        from_position=from_position,
        prefer=prefer,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_position: int,
    prefer: None | str | Unset = UNSET,
) -> Response[Any | Problem | RepublishResponseRepublish]:
    """Republish

     Mark every event from the position on for publication again; the
    relay publishes them, followed by a job (done: those published).
    With `Prefer: respond-async`: 202, Location the job; else 200 once marked.

    Args:
        from_position (int):
        prefer (None | str | Unset): `respond-async` (RFC 7240): answer 202 at once, Location the
            job's progress

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | RepublishResponseRepublish]
    """

    kwargs = _get_kwargs(
        from_position=from_position,
        prefer=prefer,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    from_position: int,
    prefer: None | str | Unset = UNSET,
) -> Any | Problem | RepublishResponseRepublish | None:
    """Republish

     Mark every event from the position on for publication again; the
    relay publishes them, followed by a job (done: those published).
    With `Prefer: respond-async`: 202, Location the job; else 200 once marked.

    Args:
        from_position (int):
        prefer (None | str | Unset): `respond-async` (RFC 7240): answer 202 at once, Location the
            job's progress

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | RepublishResponseRepublish
    """

    return (
        await asyncio_detailed(
            client=client,
            from_position=from_position,
            prefer=prefer,
        )
    ).parsed
