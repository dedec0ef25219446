"""The platform's HTTP API (/api/v1), a FastAPI app.

FastAPI rather than bare Starlette: the routes are typed with the shared models of
`sync/protocol.py`, so request validation and the OpenAPI document (/openapi.json, fuzzed by
the test suite's schemathesis run) come from the same definitions the terminal parses
replies with. `create_app(settings)` holds no state but the database engine and the
materials folder, so several app servers can run behind a load balancer.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any

from anyio import to_thread
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from forms.text import Text
from portal import accesslog, audit_heads, enrollment, services
from portal import lookup as lookups
from portal.clock import PlatformTime
from portal.db import Database
from portal.enrollment import TerminalInfo
from portal.errors import Invalid, PortalError, TooLarge, Unauthorized
from portal.feed import install_published_calendar
from portal.materials import MaterialStore
from portal.pages.web import install as install_pages
from portal.settings import Settings
from sync.lookup import LOOKUP_PATH, LookupReply, LookupRequest
from sync.protocol import (
    API_PREFIX,
    ApplicationState,
    ChainHead,
    ChangesReply,
    EnrollReply,
    EnrollRequest,
    ErrorCode,
    ErrorReply,
    MissingReply,
    MissingRequest,
    PushReply,
    PushRequest,
    Sha256,
    UploadState,
    WireText,
)

log = logging.getLogger(__name__)
CUT_OFF = Text(
    "上传中断，请从已收到的位置继续。", "The upload was cut off: resume from what we hold."
)
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorReply} for code in (400, 401, 403, 404, 409, 413, 422, 429, 503)
}
OCTETS: dict[str, Any] = {"requestBody": {"content": {"application/octet-stream": {"schema": {}}}}}


def _to(method: str, path: str, **parameters: Any) -> dict[str, Any]:
    """An OpenAPI link to this API's own `method path` (an operationRef, so it survives a
    renamed handler), with `parameters` as `where.name: value or runtime expression`."""
    pointer = (API_PREFIX + path).replace("~", "~0").replace("/", "~1")
    link: dict[str, Any] = {"operationRef": f"#/paths/{pointer}/{method}"}
    return link | ({"parameters": parameters} if parameters else {})


def _links(**links: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route whose 200 reply feeds the next call: the OpenAPI links say
    how (schemathesis' stateful run follows them; a client author reads them)."""
    return {200: {"description": "Successful Response", "links": links}}


#: How the terminal's calls follow on from each other (sync/engine.py, sync/uploads.py).
PUSH_LINKS = _links(
    ApplicationByReceipt=_to(
        "get",
        "/applications/{receipt_no}",
        **{"path.receipt_no": "$request.body#/applications/0/receipt_no"},
    ),
    MissingOfFirstResult={
        **_to("post", "/materials/missing"),
        "requestBody": {"hashes": "$response.body#/results/0/missing"},
    },
    UploadStateOfMissing=_to(
        "get", "/materials/{sha256}", **{"path.sha256": "$response.body#/results/0/missing/0"}
    ),
)
APPLICATION_LINKS = _links(
    SameApplication=_to(
        "get", "/applications/{receipt_no}", **{"path.receipt_no": "$response.body#/receipt_no"}
    ),
)
CHANGES_LINKS = _links(
    NextPage=_to("get", "/changes", **{"query.cursor": "$response.body#/cursor"}),
)
MISSING_LINKS = _links(
    UploadState=_to("get", "/materials/{sha256}", **{"path.sha256": "$response.body#/missing/0"}),
    FirstChunk=_to(
        "put",
        "/materials/{sha256}",
        **{"path.sha256": "$response.body#/missing/0", "query.offset": 0},
    ),
)
#: An upload resumes where the platform says it stands: GET state, then PUT from `received`.
_RESUME = {
    "path.sha256": "$response.body#/sha256",
    "query.offset": "$response.body#/received",
    "query.total": "$response.body#/total",
}
UPLOAD_LINKS = _links(
    NextChunk=_to("put", "/materials/{sha256}", **_RESUME),
    StateOfUpload=_to(
        "get",
        "/materials/{sha256}",
        **{"path.sha256": "$response.body#/sha256", "query.total": "$response.body#/total"},
    ),
)


def _error_response(exc: PortalError) -> JSONResponse:
    body = ErrorReply(
        error=str(exc.code),
        message=WireText.of(exc.text),
        retry_after=exc.retry_after,
        received=getattr(exc, "received", None),
    )
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return JSONResponse(body.model_dump(), status_code=exc.status_code, headers=headers)


def _validation_response(exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()))
    msg = first.get("msg", "")
    body = ErrorReply(
        error=ErrorCode.INVALID,
        message=WireText(zh=f"请求格式错误：{where} {msg}", en=f"Malformed request: {where} {msg}"),
    )
    return JSONResponse(body.model_dump(), status_code=422)


REQUEST = Text("请求", "Request")
#: What FastAPI/Starlette refuse themselves (HTTPException), in the clerk's two languages.
REFUSED: dict[int, tuple[ErrorCode, Text]] = {
    400: (ErrorCode.INVALID, Text("请求正文无法解析。", "The request body could not be parsed.")),
    404: (ErrorCode.NOT_FOUND, Text("没有这个接口地址。", "No such API address.")),
    405: (
        ErrorCode.INVALID,
        Text("该地址不接受此方法。", "This address does not take that method."),
    ),
}
OTHER_REFUSAL = (ErrorCode.INVALID, Text("请求被拒绝。", "The request was refused."))


async def _http_error(request: Request, exc: Exception) -> Response:
    """An HTTPException raised by the framework (a body that is not JSON, an unknown path or
    method) answered under /api/v1 as an ErrorReply like every other error, not as
    FastAPI's `{"detail": ...}`, which the terminal cannot parse; elsewhere as FastAPI does."""
    assert isinstance(exc, StarletteHTTPException)
    if not request.url.path.startswith(f"{API_PREFIX}/"):
        return await http_exception_handler(request, exc)
    code, text = REFUSED.get(exc.status_code, OTHER_REFUSAL)
    body = ErrorReply(error=code, message=WireText.of(text))
    return JSONResponse(body.model_dump(), status_code=exc.status_code, headers=exc.headers)


class BodyLimit:
    """Refuse (413) any request body over `limit` bytes, declared or streamed, before it is
    all in memory: a platform on the internet must not read whatever it is sent. (Raising
    from `receive` would not do: FastAPI turns any error while reading a body into 400.)"""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await _error_response(TooLarge(int(declared), self.limit, REQUEST))(
                scope, receive, send
            )
            return
        seen, refused = 0, False

        async def limited() -> Any:
            nonlocal seen, refused
            message = await receive() if not refused else {"type": "http.disconnect"}
            seen += len(message.get("body", b""))
            if not refused and seen > self.limit:
                refused = True
                await _error_response(TooLarge(seen, self.limit, REQUEST))(scope, receive, send)
                return {"type": "http.disconnect"}
            return message

        async def guarded(message: Any) -> None:
            if not refused:  # after our 413, whatever the app still says is dropped
                await send(message)

        await self.app(scope, limited, guarded)


async def _bearer(authorization: Annotated[str | None, Header()] = None) -> str:
    """The request's Bearer token (401 when there is none). Async: no worker thread for it."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    return token.strip()


Bearer = Annotated[str, Depends(_bearer)]


def _caller(request: Request, token: Bearer) -> TerminalInfo:
    """The terminal behind the request's Bearer token (401 / 403 revoked otherwise)."""
    db: Database = request.app.state.db
    return enrollment.authenticate(db, token)


Caller = Annotated[TerminalInfo, Depends(_caller)]


def _lifespan(tokens: int, freeze: bool) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """This process's thread pool for endpoints (`Settings.threads`); with `freeze`, what
    start-up built frozen for the garbage collector."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = tokens
        if freeze:
            # The app, the reflected tables, the templates live as long as the process: out
            # of the collector's sight, a full collection walks only what requests made.
            # Without it a year of open data by month paid a 50-60 ms collection every few
            # requests. Only where serving is the process's one job: frozen objects that
            # later form garbage cycles are never freed (a test process starts hundreds).
            gc.collect()
            gc.freeze()
        yield

    return lifespan


def create_app(settings: Settings | None = None, *, own_process: bool = False) -> FastAPI:
    """The API app on `settings` (database migrated on creation). `own_process`: serving
    it is the process's only job (`portal serve` and its workers), see `_lifespan`."""
    settings = settings or Settings()
    accesslog.install()  # tracking codes never reach the access log
    db = Database(settings.db_url, settings.busy_timeout_ms, settings.db_pool)
    store = MaterialStore(db, settings)
    app = FastAPI(
        title="Service platform sync API", version="1", responses=ERRORS,
        lifespan=_lifespan(settings.threads, own_process),
    )  # fmt: skip
    app.state.db = db
    install_published_calendar(db)  # holiday years published after this release
    app.state.materials = store
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    app.add_middleware(PlatformTime, shift=settings.clock_shift)  # terminals' clock check

    async def portal_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, PortalError)
        return _error_response(exc)

    async def invalid(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return _validation_response(exc)

    async def internal(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return _error_response(PortalError(Text("平台内部错误。", "Internal platform error.")))

    app.add_exception_handler(PortalError, portal_error)
    app.add_exception_handler(Exception, internal)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)

    _routes(app, db, store, settings)
    install_pages(app)  # tracking page, back office, open data (portal/pages/)
    return app


def app_from_env() -> FastAPI:
    """The app of one `portal serve --workers N` worker: settings from the environment
    (`portal.settings.settings_env`), since a worker process is started afresh."""
    return create_app(Settings(), own_process=True)


def _routes(app: FastAPI, db: Database, store: MaterialStore, settings: Settings) -> None:
    @app.get(f"{API_PREFIX}/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(f"{API_PREFIX}/enroll")
    def enroll(req: EnrollRequest) -> EnrollReply:
        return enrollment.enroll(db, req)

    @app.post(f"{API_PREFIX}/push", responses=PUSH_LINKS)
    async def push(req: PushRequest, token: Bearer) -> PushReply:
        """Token, held materials and batch on one connection in one worker thread (a sync
        route with a sync dependency took three thread hops and three transactions)."""
        tolerance = settings.event_clock_tolerance
        return await run_in_threadpool(
            services.push_with_token, db, token, req, store.held_in, tolerance
        )

    @app.get(f"{API_PREFIX}/applications/{{receipt_no}}", responses=APPLICATION_LINKS)
    def application(receipt_no: str, term: Caller) -> ApplicationState:
        return services.get_application(db, term, receipt_no)

    @app.get(f"{API_PREFIX}/changes", responses=CHANGES_LINKS)
    def changes(term: Caller, cursor: Annotated[int, Query(ge=0, le=2**62)] = 0) -> ChangesReply:
        return services.changes(db, term, cursor, settings.changes_page)

    @app.get(f"{API_PREFIX}/audit-head")
    def audit_head(term: Caller) -> ChainHead:
        return audit_heads.last_head(db, term)

    @app.post(f"{API_PREFIX}/materials/missing", responses=MISSING_LINKS)
    def missing(req: MissingRequest, term: Caller) -> MissingReply:
        return MissingReply(missing=store.missing(req.hashes, term.hall))

    @app.get(f"{API_PREFIX}/materials/{{sha256}}", responses=UPLOAD_LINKS)
    def upload_state(
        sha256: Sha256, term: Caller, total: Annotated[int | None, Query(ge=0)] = None
    ) -> UploadState:
        return store.state(sha256, total, term)

    @app.post(LOOKUP_PATH)
    def lookup(req: LookupRequest, term: Caller) -> LookupReply:
        return lookups.lookup(db, store, settings, term, req)

    @app.get(f"{LOOKUP_PATH}/materials/{{sha256}}", response_class=Response)
    def lookup_file(sha256: Sha256, term: Caller) -> Response:
        data = lookups.download(db, store, settings, term, sha256)
        return Response(data, media_type="application/octet-stream")

    @app.put(f"{API_PREFIX}/materials/{{sha256}}", openapi_extra=OCTETS, responses=UPLOAD_LINKS)
    async def upload_chunk(
        sha256: Sha256,
        request: Request,
        term: Caller,
        offset: Annotated[int, Query(ge=0)],
        total: Annotated[int, Query(ge=0)],
    ) -> UploadState:
        declared = request.headers.get("content-length", "0")
        store.check_size(total, int(declared) if declared.isdigit() else 0)
        try:
            data = await request.body()
        except ClientDisconnect:  # the terminal went away mid-chunk: normal, it resumes later
            raise Invalid(CUT_OFF) from None
        return await run_in_threadpool(store.put_chunk, sha256, offset, total, data, term)
