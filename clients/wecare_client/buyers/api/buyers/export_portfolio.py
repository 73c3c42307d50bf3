from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.export_portfolio_fmt import ExportPortfolioFmt
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    buyer: str,
    fmt: ExportPortfolioFmt,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/buyers/{buyer}/exports/portfolio.{fmt}".format(
            buyer=quote(str(buyer), safe=""),
            fmt=quote(str(fmt), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | str | None:
    if response.status_code == 200:
        response_200 = response.text
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    buyer: str,
    fmt: ExportPortfolioFmt,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | str]:
    """Export Portfolio

     Every factory of the buyer's programmes with its figures, one row each,
    streamed (no size limit). Its progress, rows written of the total, is a
    job of the caller's: the `Link` header's `rel="monitor"`, GET /jobs/{id}.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        fmt (ExportPortfolioFmt):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = _get_kwargs(
        buyer=buyer,
        fmt=fmt,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    buyer: str,
    fmt: ExportPortfolioFmt,
    *,
    client: AuthenticatedClient,
) -> Problem | str | None:
    """Export Portfolio

     Every factory of the buyer's programmes with its figures, one row each,
    streamed (no size limit). Its progress, rows written of the total, is a
    job of the caller's: the `Link` header's `rel="monitor"`, GET /jobs/{id}.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        fmt (ExportPortfolioFmt):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return sync_detailed(
        buyer=buyer,
        fmt=fmt,
        client=client,
    ).parsed


async def asyncio_detailed(
    buyer: str,
    fmt: ExportPortfolioFmt,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | str]:
    """Export Portfolio

     Every factory of the buyer's programmes with its figures, one row each,
    streamed (no size limit). Its progress, rows written of the total, is a
    job of the caller's: the `Link` header's `rel="monitor"`, GET /jobs/{id}.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        fmt (ExportPortfolioFmt):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = _get_kwargs(
        buyer=buyer,
        fmt=fmt,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    buyer: str,
    fmt: ExportPortfolioFmt,
    *,
    client: AuthenticatedClient,
) -> Problem | str | None:
    """Export Portfolio

     Every factory of the buyer's programmes with its figures, one row each,
    streamed (no size limit). Its progress, rows written of the total, is a
    job of the caller's: the `Link` header's `rel="monitor"`, GET /jobs/{id}.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        fmt (ExportPortfolioFmt):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return (
        await asyncio_detailed(
            buyer=buyer,
            fmt=fmt,
            client=client,
        )
    ).parsed
