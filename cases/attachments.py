"""Files handed in for a case (附件): the service that accepts one, the checks of its content,
and the reads the case page and the download need.

What a file *is* is decided by its first bytes (and, for office files, by what the archive
holds), never by its name or by the content type the browser claims: a program renamed
``x.pdf`` or a web page renamed ``x.png`` is refused. The stored content type is the detected
one, and the file is stored under a random name (``cases/<case id>/<uuid>``, see
``cases.models``) in MEDIA_ROOT, which no web server serves.

Errors, as in ``cases.services``:

- ``django.core.exceptions.PermissionDenied``: the actor may not add files to this case;
- ``django.core.exceptions.ValidationError``: the file is refused (message for the user, on
  the ``file`` field);
- ``cases.storage.StorageUnavailable``: the file store (a bucket) cannot be reached; nothing
  was recorded.
"""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING, Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User

from . import events
from . import permissions as can
from .fsm import row_locked, save_with_history
from .models import Case, CaseAttachment
from .storage import orphan_cutoff, storage_guard, stored_names_under, stored_orphans_remove

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

NAME_MAX: Final = 200
# An office file is a ZIP archive: refuse one that would unpack to more than this (zip bomb)
# or that holds an absurd number of members.
OOXML_UNPACKED_MAX_BYTES: Final = 100 * 1024 * 1024
OOXML_MEMBERS_MAX: Final = 10_000
_CHUNK: Final = 64 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: StrOrPromise
    extension: str
    other_extensions: tuple[str, ...] = ()

    @property
    def extensions(self) -> tuple[str, ...]:
        """Every extension a file of this type may keep (``.jpg`` and ``.jpeg``)."""
        return (self.extension, *self.other_extensions)


PDF: Final = FileType("application/pdf", gettext_lazy("PDF document"), ".pdf")
PNG: Final = FileType("image/png", gettext_lazy("PNG image"), ".png")
JPEG: Final = FileType("image/jpeg", gettext_lazy("JPEG image"), ".jpg", (".jpeg", ".jpe"))
DOCX: Final = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    gettext_lazy("Word document"),
    ".docx",
)
XLSX: Final = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    gettext_lazy("Excel workbook"),
    ".xlsx",
)
FILE_TYPES: Final = (PDF, PNG, JPEG, DOCX, XLSX)

_MAGIC: Final = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
_ZIP_MAGIC: Final = b"PK\x03\x04"
_HEAD_BYTES: Final = 8


def file_type_label(content_type: str) -> str:
    """The name of an accepted type for people ("PDF document"), or the raw content type."""
    for file_type in FILE_TYPES:
        if file_type.content_type == content_type:
            return str(file_type.label)
    return content_type


def _refused(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _not_accepted() -> ValidationError:
    return _refused(
        _(
            "This kind of file cannot be attached. Attach a PDF, a PNG or JPEG image, or a Word "
            "(.docx) or Excel (.xlsx) file. The type is read from the file's content, not from "
            "its name."
        )
    )


def _ooxml_type(stream: IO[bytes]) -> FileType | None:
    """DOCX or XLSX when ``stream`` is an Office Open XML archive of that kind, else None.
    Nothing is unpacked: only the archive's directory is read."""
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    if len(members) > OOXML_MEMBERS_MAX:
        return None
    if sum(member.file_size for member in members) > OOXML_UNPACKED_MAX_BYTES:
        return None
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names:
        return None
    # A macro-enabled document (.docm/.xlsm) renamed .docx carries a VBA project: not a type
    # we take.
    if any(name.lower().rsplit("/", 1)[-1] in {"vbaproject.bin", "vbadata.xml"} for name in names):
        return None
    if any(name.startswith("word/") for name in names):
        found = DOCX
    elif any(name.startswith("xl/") for name in names):
        found = XLSX
    else:
        return None
    _ooxml_active_content_refuse(stream, members)
    return found


def _ooxml_active_content_refuse(stream: IO[bytes], members: list[zipfile.ZipInfo]) -> None:
    """Refuse an office file that carries something that runs: a program (or script) stored
    in the archive, an ActiveX control, or an embedded OLE object that packages a file (a
    "Package" object) or holds a Windows program. The archive's total unpacked size is already
    bounded, so reading the embeddings is too."""
    for member in members:
        lowered = member.filename.lower()
        shown = member.filename.rsplit("/", 1)[-1]
        if lowered.endswith(EXECUTABLE_EXTENSIONS):
            raise _embedded_program(shown)
        if "/activex/" in lowered:
            raise _embedded_program(shown)
        embedded = "/embeddings/" in lowered and not member.is_dir()
        if embedded and _embedded_runs_something(_member_read(stream, member)):
            raise _embedded_program(shown)


def _member_read(stream: IO[bytes], member: zipfile.ZipInfo) -> bytes:
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive, archive.open(member) as embedded:
            return embedded.read(OOXML_UNPACKED_MAX_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, zlib.error):
        # Damaged, encrypted or compressed in a way we do not read: not an office file we take.
        raise _not_accepted() from None


# Names of stored members that are programs or scripts Windows would run.
EXECUTABLE_EXTENSIONS: Final = (
    ".exe", ".dll", ".com", ".bat", ".cmd", ".scr", ".pif", ".cpl", ".msi", ".msp", ".msc",
    ".js", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".ps1", ".psm1", ".hta", ".jar", ".lnk",
    ".reg", ".sys", ".ocx", ".application", ".appref-ms", ".sct", ".inf",
)  # fmt: skip
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_PACKAGE_STREAM: Final = "Ole10Native".encode("utf-16-le")
_WINDOWS_PROGRAM: Final = b"This program cannot be run in DOS mode"


def _embedded_runs_something(content: bytes) -> bool:
    """True for an embedded object that packages a file (OLE "Package": an Ole10Native
    stream) or holds a Windows program, whether in an OLE container or as it is, or for an
    embedded archive (another office file) that stores a program."""
    if content.startswith(b"MZ") or _WINDOWS_PROGRAM in content:
        return True
    if content.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as inner:
                return any(n.lower().endswith(EXECUTABLE_EXTENSIONS) for n in inner.namelist())
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            return True  # an archive we cannot read is not taken on trust
    return content.startswith(_OLE_MAGIC) and _OLE_PACKAGE_STREAM in content


def _embedded_program(name: str) -> ValidationError:
    return _refused(
        _(
            "This Office file holds an embedded program or packaged file (“%(name)s”), which "
            "cannot be attached. Remove it from the document and attach the file again."
        )
        % {"name": original_name_clean(name)[:80]}
    )


def file_type_detect(head: bytes, stream: IO[bytes]) -> FileType | None:
    """The accepted type of a file whose first bytes are ``head``, or None.

    ``stream`` is the whole file, seekable; it is read only when ``head`` is a ZIP archive's.
    """
    for magic, file_type in _MAGIC:
        if head.startswith(magic):
            return file_type
    if head.startswith(_ZIP_MAGIC):
        return _ooxml_type(stream)
    return None


def original_name_clean(name: str, *, fallback_extension: str = "") -> str:
    """The name a person gave the file, fit for display and for ``Content-Disposition``: no
    folders, no control or format characters (a right-to-left override can disguise
    ``exe.pdf``), at most NAME_MAX characters with the extension kept."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(ch).startswith("Z") else ch
        for ch in name
        if not unicodedata.category(ch).startswith("C")
    )
    name = " ".join(name.split()).strip(" .")
    if not name:
        return f"{_('attachment')}{fallback_extension}"
    if len(name) <= NAME_MAX:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 0 < len(extension) <= 10:
        return stem[: NAME_MAX - len(extension) - 1] + "." + extension
    return name[:NAME_MAX]


def original_name_for_type(name: str, file_type: FileType) -> str:
    """``name`` with the extension of the type found in the content: ``x.html`` holding a PNG
    image is kept as ``x.png``, ``scan`` as ``scan.png``; ``photo.jpeg`` stays as it is."""
    stem, dot, extension = name.rpartition(".")
    if dot and stem and f".{extension.lower()}" in file_type.extensions:
        return name
    if (
        dot
        and stem
        and 0 < len(extension) <= 10
        and extension.isalnum()
        and not extension.isdigit()
    ):
        name = stem
    if len(name) + len(file_type.extension) > NAME_MAX:
        name = name[: NAME_MAX - len(file_type.extension)]
    return f"{name}{file_type.extension}"


@dataclass(frozen=True)
class Scanned:
    size: int
    sha256: str
    file_type: FileType

    def stored_fields(self, upload: UploadedFile) -> dict[str, Any]:
        """What a stored file's row keeps of the upload (the case attachment, the inspection
        photo): its clean name with the extension of its real type, the type, size, digest."""
        name = original_name_clean(upload.name or "", fallback_extension=self.file_type.extension)
        return {
            "original_name": original_name_for_type(name, self.file_type),
            "content_type": self.file_type.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }


def upload_scan(upload: UploadedFile, max_bytes: int) -> Scanned:
    """Read the upload once, in chunks: size, SHA-256 and the type from its first bytes;
    refused (``ValidationError`` on ``file``) when too large, empty or of a type not accepted.
    Also for other apps' uploads (the inspection photos)."""
    too_large = _refused(
        _("The file is larger than %(max)s, the most a case attachment may be.")
        % {"max": filesizeformat(max_bytes)}
    )
    if upload.size is not None and upload.size > max_bytes:
        raise too_large
    digest = hashlib.sha256()
    head = b""
    size = 0
    for chunk in upload.chunks(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
        digest.update(chunk)
    if size == 0:
        raise _refused(_("The file is empty."))
    file_type = None if upload.file is None else file_type_detect(head, upload.file)
    if file_type is None:
        raise _not_accepted()
    return Scanned(size=size, sha256=digest.hexdigest(), file_type=file_type)


def may_attach(*, actor: User, case: Case) -> bool:
    """Who may add files: whoever may work on the case, and its first-contact officer."""
    return bool(can.work_on(case, actor)) or case.first_contact_officer_id == actor.pk


@transaction.atomic
def case_attachment_add(*, actor: User, case: Case, upload: UploadedFile) -> CaseAttachment:
    """Check the upload's right, size, count and content, store it under a random name and
    record ``case.attachment_added``. A refused file leaves nothing: no file, no row, no event.
    """
    case = row_locked(Case, case.pk, related=("market",))
    if not may_attach(actor=actor, case=case):
        raise PermissionDenied
    max_count: int = settings.CASE_ATTACHMENT_MAX_COUNT
    if case.attachments.count() >= max_count:
        raise _refused(
            _("This case has %(count)d attachments already, the most it may have.")
            % {"count": max_count}
        )
    scanned = upload_scan(upload, settings.CASE_ATTACHMENT_MAX_BYTES)
    attachment = CaseAttachment(case=case, uploaded_by=actor, **scanned.stored_fields(upload))
    upload.seek(0)
    # The storage name comes from the model's upload_to (random); the name given is ignored.
    # An unreachable bucket raises StorageUnavailable here, before any row is written.
    with storage_guard("upload", f"cases/{case.pk}/"):
        attachment.file.save("upload", upload, save=False)
    try:
        save_with_history(attachment, actor)
        events.case_attachment_added_event(
            case,
            actor,
            attachment_id=attachment.pk,
            name=attachment.original_name,
            size=attachment.size,
            content_type=attachment.content_type,
            sha256=attachment.sha256,
        )
    except BaseException:
        try:
            attachment.file.delete(save=False)
        except Exception:  # the orphan sweep removes it later
            logger.exception("Could not remove %s after a failed upload.", attachment.file.name)
        raise
    return attachment


# --- Reads ------------------------------------------------------------------------------------
# The caller has checked that the user may see ``case`` (cases.selectors.case_get_visible).


def case_attachment_list(*, case: Case) -> QuerySet[CaseAttachment]:
    attachments: QuerySet[CaseAttachment] = case.attachments.select_related("uploaded_by")
    return attachments


def case_attachment_get(*, case: Case, pk: int) -> CaseAttachment:
    """The attachment of ``case``, or CaseAttachment.DoesNotExist (also for another case's)."""
    attachment: CaseAttachment = CaseAttachment.objects.get(case=case, pk=pk)
    return attachment


# --- Files that no row references ---------------------------------------------------------------


def attachment_orphans_remove(
    *, now: datetime | None = None, grace: timedelta | None = None
) -> list[str]:
    """Both halves of "a file and its row disagree", for files older than ``grace``
    (settings.CASE_ATTACHMENT_ORPHAN_GRACE: a file younger than that may belong to an upload
    whose transaction has not ended yet):

    - a stored file under ``cases/`` that no attachment row references is deleted (logged;
      its name returned). Such files are left by a worker killed between storing a file and
      committing its row, by a transaction rolled back after the file was stored, or by a
      deletion after commit that the store refused at that moment;
    - an attachment row whose file is missing is kept and flagged (``_file_missing_mark``).

    One listing of the store and one pass over the rows' names (no query per folder); works
    on a local folder and on a bucket alike (through the storage API). Raises
    StorageUnavailable, having changed nothing more, when the store cannot be reached."""
    now = now or timezone.now()
    cutoff = orphan_cutoff(now=now, grace=grace)
    storage = CaseAttachment._meta.get_field("file").storage
    stored = stored_names_under(storage, "cases")
    referenced: set[str] = set()
    changed: list[int] = []  # rows whose file went missing, or came back
    rows = CaseAttachment.objects.values_list("pk", "file", "created_at", "file_missing_since")
    for pk, name, created_at, missing_since in rows.iterator(chunk_size=5000):
        referenced.add(name)
        if created_at < cutoff and (name not in stored) != (missing_since is not None):
            changed.append(pk)
    removed = stored_orphans_remove(storage, stored - referenced, cutoff=cutoff)
    for attachment in CaseAttachment.objects.filter(pk__in=changed).select_related("case__market"):
        _file_missing_mark(attachment, missing=attachment.file.name not in stored, now=now)
    return removed


def _file_missing_mark(attachment: CaseAttachment, *, missing: bool, now: datetime) -> None:
    """Flag a row whose file is gone, or unflag one whose file is back (restored from a backup).

    The row is kept, never deleted: it is what the trail's ``case.attachment_added`` event
    (name, size, SHA-256) and the case's history point at, and it is the evidence that the
    applicant handed the file in. Deleting it would make a lost file look as if it had never
    been received. Instead ``file_missing_since`` is set, the case page says the file is
    missing, and one ``case.attachment_file_missing`` event (actor: the system) records when
    it was noticed, so the loss is on the trail and can be restored from a backup."""
    with transaction.atomic():
        attachment.file_missing_since = now if missing else None
        save_with_history(
            attachment,
            None,
            update_fields=["file_missing_since"],
            reason="file missing from the store" if missing else "file back in the store",
        )
        if missing:
            events.case_attachment_file_missing_event(attachment)
    if missing:
        logger.error(
            "Attachment %s of case %s: its file %s is missing from the store.",
            attachment.pk,
            attachment.case_id,
            attachment.file.name,
        )
    else:
        logger.warning(
            "Attachment %s: its file %s is back in the store.", attachment.pk, attachment.file.name
        )


# --- The size of a request that hands in files ----------------------------------------------------


def upload_body_limit(request: HttpRequest) -> int | None:
    """``REQUEST_BODY_UPLOAD_MAX_BYTES`` when the address takes file uploads (its name is in
    ``REQUEST_BODY_UPLOAD_URL_NAMES``), else None: the page's (or the API's) own limit holds."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name in settings.REQUEST_BODY_UPLOAD_URL_NAMES:
        upload_limit: int = settings.REQUEST_BODY_UPLOAD_MAX_BYTES
        return upload_limit
    return None
