from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.record_responses_response_recordresponses import RecordResponsesResponseRecordresponses
from ...models.record_survey_responses_body import RecordSurveyResponsesBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    country: str,
    assessment_id: str,
    *,
    body: RecordSurveyResponsesBody,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["if-match"] = if_match

    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/{country}/assessments/{assessment_id}/survey-responses/batch".format(
            country=quote(str(country), safe=""),
            assessment_id=quote(str(assessment_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RecordResponsesResponseRecordresponses | None:
    if response.status_code == 201:
        response_201 = RecordResponsesResponseRecordresponses.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

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
) -> Response[Problem | RecordResponsesResponseRecordresponses]:
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
    body: RecordSurveyResponsesBody,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | RecordResponsesResponseRecordresponses]:
    """Record Responses

     Responses captured offline, sent together (up to 500). Sending the same
    batch again, or responses already sent one by one, records nothing twice.

    Args:
        country (str): country code, e.g. bd
        assessment_id (str):
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):
        body (RecordSurveyResponsesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecordResponsesResponseRecordresponses]
    """

    kwargs = _get_kwargs(
        country=country,
        assessment_id=assessment_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
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
    body: RecordSurveyResponsesBody,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | RecordResponsesResponseRecordresponses | None:
    """Record Responses

     Responses captured offline, sent together (up to 500). Sending the same
    batch again, or responses already sent one by one, records nothing twice.

    Args:
        country (str): country code, e.g. bd
        assessment_id (str):
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):
        body (RecordSurveyResponsesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecordResponsesResponseRecordresponses
    """

    return sync_detailed(
        country=country,
        assessment_id=assessment_id,
        client=client,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    country: str,
    assessment_id: str,
    *,
    client: AuthenticatedClient,
    body: RecordSurveyResponsesBody,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | RecordResponsesResponseRecordresponses]:
    """Record Responses

     Responses captured offline, sent together (up to 500). Sending the same
    batch again, or responses already sent one by one, records nothing twice.

    Args:
        country (str): country code, e.g. bd
        assessment_id (str):
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):
        body (RecordSurveyResponsesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecordResponsesResponseRecordresponses]
    """

    kwargs = _get_kwargs(
        country=country,
        assessment_id=assessment_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    country: str,
    assessment_id: str,
    *,
    client: AuthenticatedClient,
    body: RecordSurveyResponsesBody,
    if_match: None | str | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | RecordResponsesResponseRecordresponses | None:
    """Record Responses

     Responses captured offline, sent together (up to 500). Sending the same
    batch again, or responses already sent one by one, records nothing twice.

    Args:
        country (str): country code, e.g. bd
        assessment_id (str):
        if_match (None | str | Unset): the stream version the write is based on: the ETag of the
            object's read (`"4-…"`), or the version alone (`4`); a stale one answers 412
        idempotency_key (None | str | Unset):
        body (RecordSurveyResponsesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecordResponsesResponseRecordresponses
    """

    return (
        await asyncio_detailed(
            country=country,
            assessment_id=assessment_id,
            client=client,
            body=body,
            if_match=if_match,
            idempotency_key=idempotency_key,
        )
    ).parsed
