from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_assessment_response_getassessment import GetAssessmentResponseGetassessment
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    country: str,
    assessment_id: str,
    *,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/{country}/assessments/{assessment_id}".format(
            country=quote(str(country), safe=""),
            assessment_id=quote(str(assessment_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | GetAssessmentResponseGetassessment | Problem | None:
    if response.status_code == 200:
        response_200 = GetAssessmentResponseGetassessment.from_dict(response.json())

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
) -> Response[Any | GetAssessmentResponseGetassessment | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    country: str,
    assessment_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | GetAssessmentResponseGetassessment | Problem]:
    """Get Assessment

     The assessment, with its ETag (its stream version, for If-Match); the needs profile's areas named in
    the
    caller's language (Accept-Language) beside their codes.

    Args:
        country (str): country code, e.g. bd
        assessment_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | GetAssessmentResponseGetassessment | Problem]
    """

    kwargs = _get_kwargs(
        country=country,
        assessment_id=assessment_id,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    country: str,
    assessment_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Any | GetAssessmentResponseGetassessment | Problem | None:
    """Get Assessment

     The assessment, with its ETag (its stream version, for If-Match); the needs profile's areas named in
    the
    caller's language (Accept-Language) beside their codes.

    Args:
        country (str): country code, e.g. bd
        assessment_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | GetAssessmentResponseGetassessment | Problem
    """

    return sync_detailed(
        country=country,
        assessment_id=assessment_id,
        client=client,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    country: str,
    assessment_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | GetAssessmentResponseGetassessment | Problem]:
    """Get Assessment

     The assessment, with its ETag (its stream version, for If-Match); the needs profile's areas named in
    the
    caller's language (Accept-Language) beside their codes.

    Args:
        country (str): country code, e.g. bd
        assessment_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | GetAssessmentResponseGetassessment | Problem]
    """

    kwargs = _get_kwargs(
        country=country,
        assessment_id=assessment_id,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    country: str,
    assessment_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Any | GetAssessmentResponseGetassessment | Problem | None:
    """Get Assessment

     The assessment, with its ETag (its stream version, for If-Match); the needs profile's areas named in
    the
    caller's language (Accept-Language) beside their codes.

    Args:
        country (str): country code, e.g. bd
        assessment_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | GetAssessmentResponseGetassessment | Problem
    """

    return (
        await asyncio_detailed(
            country=country,
            assessment_id=assessment_id,
            client=client,
            if_none_match=if_none_match,
        )
    ).parsed
