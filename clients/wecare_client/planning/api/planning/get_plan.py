from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_plan_response_getplan import GetPlanResponseGetplan
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    country: str,
    plan_id: str,
    *,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/{country}/plans/{plan_id}".format(
            country=quote(str(country), safe=""),
            plan_id=quote(str(plan_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | GetPlanResponseGetplan | Problem | None:
    if response.status_code == 200:
        response_200 = GetPlanResponseGetplan.from_dict(response.json())

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
) -> Response[Any | GetPlanResponseGetplan | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    country: str,
    plan_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | GetPlanResponseGetplan | Problem]:
    """Get Plan

     The plan's current revision, its approval, and every revision before it; its ETag carries the
    plan's stream version (send it as If-Match to change, approve or kick off the plan). Its activities
    and
    KPIs are named in the caller's language (Accept-Language) beside their codes.

    Args:
        country (str): country code, e.g. bd
        plan_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | GetPlanResponseGetplan | Problem]
    """

    kwargs = _get_kwargs(
        country=country,
        plan_id=plan_id,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    country: str,
    plan_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Any | GetPlanResponseGetplan | Problem | None:
    """Get Plan

     The plan's current revision, its approval, and every revision before it; its ETag carries the
    plan's stream version (send it as If-Match to change, approve or kick off the plan). Its activities
    and
    KPIs are named in the caller's language (Accept-Language) beside their codes.

    Args:
        country (str): country code, e.g. bd
        plan_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | GetPlanResponseGetplan | Problem
    """

    return sync_detailed(
        country=country,
        plan_id=plan_id,
        client=client,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    country: str,
    plan_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | GetPlanResponseGetplan | Problem]:
    """Get Plan

     The plan's current revision, its approval, and every revision before it; its ETag carries the
    plan's stream version (send it as If-Match to change, approve or kick off the plan). Its activities
    and
    KPIs are named in the caller's language (Accept-Language) beside their codes.

    Args:
        country (str): country code, e.g. bd
        plan_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | GetPlanResponseGetplan | Problem]
    """

    kwargs = _get_kwargs(
        country=country,
        plan_id=plan_id,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    country: str,
    plan_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Any | GetPlanResponseGetplan | Problem | None:
    """Get Plan

     The plan's current revision, its approval, and every revision before it; its ETag carries the
    plan's stream version (send it as If-Match to change, approve or kick off the plan). Its activities
    and
    KPIs are named in the caller's language (Accept-Language) beside their codes.

    Args:
        country (str): country code, e.g. bd
        plan_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | GetPlanResponseGetplan | Problem
    """

    return (
        await asyncio_detailed(
            country=country,
            plan_id=plan_id,
            client=client,
            if_none_match=if_none_match,
        )
    ).parsed
