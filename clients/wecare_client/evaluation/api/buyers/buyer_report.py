from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.buyer_report_fmt import BuyerReportFmt
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    buyer: str,
    fmt: BuyerReportFmt,
    *,
    lang: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(accept_language, Unset):
        headers["accept-language"] = accept_language

    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    params: dict[str, Any] = {}

    json_lang: None | str | Unset
    if isinstance(lang, Unset):
        json_lang = UNSET
    else:
        json_lang = lang
    params["lang"] = json_lang

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/buyers/{buyer}/report.{fmt}".format(
            buyer=quote(str(buyer), safe=""),
            fmt=quote(str(fmt), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | str | None:
    if response.status_code == 200:
        response_200 = response.text
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    buyer: str,
    fmt: BuyerReportFmt,
    *,
    client: AuthenticatedClient,
    lang: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | Problem | str]:
    """Buyer Report

     The buyer's portfolio report: HTML, PDF (in the reader's language), CSV or JSON.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        fmt (BuyerReportFmt):
        lang (None | str | Unset): the language of the HTML and PDF report: en, zh, bn, vi or tr;
            without it, the best of Accept-Language, else English
        accept_language (None | str | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | str]
    """

    kwargs = _get_kwargs(
        buyer=buyer,
        fmt=fmt,
        lang=lang,
        accept_language=accept_language,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    buyer: str,
    fmt: BuyerReportFmt,
    *,
    client: AuthenticatedClient,
    lang: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | Problem | str | None:
    """Buyer Report

     The buyer's portfolio report: HTML, PDF (in the reader's language), CSV or JSON.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        fmt (BuyerReportFmt):
        lang (None | str | Unset): the language of the HTML and PDF report: en, zh, bn, vi or tr;
            without it, the best of Accept-Language, else English
        accept_language (None | str | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | str
    """

    return sync_detailed(
        buyer=buyer,
        fmt=fmt,
        client=client,
        lang=lang,
        accept_language=accept_language,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    buyer: str,
    fmt: BuyerReportFmt,
    *,
    client: AuthenticatedClient,
    lang: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | Problem | str]:
    """Buyer Report

     The buyer's portfolio report: HTML, PDF (in the reader's language), CSV or JSON.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        fmt (BuyerReportFmt):
        lang (None | str | Unset): the language of the HTML and PDF report: en, zh, bn, vi or tr;
            without it, the best of Accept-Language, else English
        accept_language (None | str | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | str]
    """

    kwargs = _get_kwargs(
        buyer=buyer,
        fmt=fmt,
        lang=lang,
        accept_language=accept_language,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    buyer: str,
    fmt: BuyerReportFmt,
    *,
    client: AuthenticatedClient,
    lang: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | Problem | str | None:
    """Buyer Report

     The buyer's portfolio report: HTML, PDF (in the reader's language), CSV or JSON.

    Args:
        buyer (str): the buyer, e.g. Otto Group
        fmt (BuyerReportFmt):
        lang (None | str | Unset): the language of the HTML and PDF report: en, zh, bn, vi or tr;
            without it, the best of Accept-Language, else English
        accept_language (None | str | Unset):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | str
    """

    return (
        await asyncio_detailed(
            buyer=buyer,
            fmt=fmt,
            client=client,
            lang=lang,
            accept_language=accept_language,
            if_none_match=if_none_match,
        )
    ).parsed
