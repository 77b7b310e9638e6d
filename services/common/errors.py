"""Failure kinds every stage uses, so retry policy is decided in one place."""

from __future__ import annotations


class PipelineError(Exception):
    """Base of the pipeline's own errors; the message names what was wrong."""


class TransientError(PipelineError):
    """Worth retrying later: a service unreachable, a timeout, a 5xx answer."""


class DependencyDownError(TransientError):
    """A service the pipeline stands on (Elasticsearch) is unreachable.

    Retried with the usual backoff for as long as the outage lasts, without using up the
    message's retries: an outage is no fault of the message, and dead-lettering every
    article that arrived while Elasticsearch was down would be a loss for the user.
    """


class PermanentError(PipelineError):
    """Retrying cannot help: malformed input, a 404, a page with no article text.

    The message goes straight to the dead-letter queue with this error attached, where
    it can be inspected and replayed once the cause is fixed.
    """
