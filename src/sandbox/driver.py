"""Loupe's Python sandbox driver: a small notebook kernel that runs inside bubblewrap.

The host (src/sandbox/sandbox-session.ts) starts it as
    python3 driver.py '<config json>'
with two extra pipes: fd 3 carries requests and fd 4 carries responses. User code never sees
fd 3/4 as stdout, so its prints cannot corrupt the protocol; what it prints is captured per call
and returned as text.

A request is one JSON line (code, and the images to load, each with its byte "length") followed
by those images' bytes, one after another.

A response is a frame: one JSON line (the header, with "payloadBytes") followed by that many
bytes of payload, the returned images one after another (each image's "length" in the header).
Images produced in Python (shown PIL images, arrays, figures) travel as raw pixels (mode L, RGB
or RGBA) and the host encodes them: encoding in Python cost more than everything else in a
crop round trip. Image files the code saved travel as they are. Nothing goes through files the
host reads: the work directory belongs to the sandboxed code, and a symlink planted there must
not make the host touch its own files.
"""

import ast
import errno
import importlib.util
import io
import json
import linecache
import os
import resource
import signal
import stat
import sys
import traceback

CONFIG = json.loads(sys.argv[1])
DRIVER_PID = os.getpid()
WORK_DIR = os.getcwd()
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff")
# Notes about dropped images kept in full per call; the rest are counted by reason. Code that
# shows 100,000 images must not send the model 100,000 lines.
NOTE_LIMIT = 5
# Entries of /work the image collector looks at per call (files of any name, and folders): a
# folder of 100,000 files must not make every call walk it all.
SCAN_LIMIT = 2000

requests = os.fdopen(3, "rb")
responses = os.fdopen(4, "wb")
# Nothing but the protocol reaches user code: a descriptor the host inherited without
# close-on-exec (its own parent's pipes) passes through bwrap and would otherwise be open here.
os.closerange(5, resource.getrlimit(resource.RLIMIT_NOFILE)[0])

# matplotlib builds a list of the system's fonts into MPLCONFIGDIR, a tmpfs private to each
# session, on its first import: a sixth of a session's start. The host keeps the list an earlier
# session built (before any user code ran) and binds it read-only at FONT_LIST_SEED; it is copied
# where matplotlib looks. A stale or broken copy is simply rebuilt by matplotlib.
FONT_LIST_SEED = "/loupe/fontlist.json"
if CONFIG.get("fontListName") and os.path.isfile(FONT_LIST_SEED):
    font_dir = os.environ.get("MPLCONFIGDIR", "/tmp/.matplotlib")
    os.makedirs(font_dir, exist_ok=True)
    with open(FONT_LIST_SEED, "rb") as seed, open(os.path.join(font_dir, CONFIG["fontListName"]), "wb") as copy:
        copy.write(seed.read())

# Heavy imports happen before the first request so that a warm session answers at once.
import numpy  # noqa: E402,F401
import PIL.Image  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.font_manager  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402


def built_font_list():
    """The font list this session built, for the host to seed later sessions with; None when the
    seed was used as it was (matplotlib rewrites a seed it found stale or broken)."""
    name = f"fontlist-v{matplotlib.font_manager.FontManager.__version__}.json"
    try:
        with open(os.path.join(matplotlib.get_cachedir(), name), encoding="utf-8") as built:
            text = built.read(1_000_000)
        if name == CONFIG.get("fontListName"):
            with open(FONT_LIST_SEED, encoding="utf-8") as seed:
                if seed.read(1_000_000) == text:
                    return None
    except OSError:
        return None
    return {"name": name, "text": text}


class OpenCvThreadLimit:
    """Caps OpenCV's threads the moment user code imports cv2. Debian's OpenCV runs on TBB, which
    starts one worker per core on first use and ignores OpenCV's environment variables; under the
    process limit (which counts threads) a many-core host would make every parallel cv2 call fail
    with "pthread_create has failed". Importing cv2 up front instead would cost ~300 ms per
    session that never uses it."""

    def find_spec(self, name, path=None, target=None):
        if name != "cv2":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            # No more than the cores it may run on: TBB warns on fd 2 about any request beyond.
            module.setNumThreads(max(1, min(CONFIG["threads"], len(os.sched_getaffinity(0)))))

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, OpenCvThreadLimit())


class CappedWriter(io.TextIOBase):
    """Keeps the first `limit` characters written and counts the rest, so huge output costs
    nothing but the count."""

    def __init__(self, limit):
        self.limit = limit
        self.parts = []
        self.kept = 0
        self.dropped = 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.limit - self.kept
        if room > 0:
            piece = text[:room]
            self.parts.append(piece)
            self.kept += len(piece)
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self):
        return "".join(self.parts)


# Raw pixel layouts the host decodes (bytes per pixel); other modes are converted first.
RAW_CHANNELS = {"L": 1, "RGB": 3, "RGBA": 4}
# Modes whose values do not fit 8 bits: PNG (16-bit) keeps them, so they are encoded here.
DEEP_MODES = ("I;16", "I;16B", "I;16L", "I;16N")


class Call:
    """What one exec produces besides its printed output: image descriptions for the header and
    their bytes for the payload, in the same order."""

    def __init__(self):
        self.images = []
        self.payloads = []
        self.payload_bytes = 0
        self.notes = []
        # Drops past the first NOTE_LIMIT notes: how many, per short reason.
        self.unlisted = {}

    def note(self, message, reason):
        """Records why an image was dropped or a file skipped: in full for the first NOTE_LIMIT,
        then only counted under `reason`."""
        if len(self.notes) < NOTE_LIMIT:
            self.notes.append(message)
        else:
            self.unlisted[reason] = self.unlisted.get(reason, 0) + 1

    def all_notes(self):
        if not self.unlisted:
            return self.notes
        total = sum(self.unlisted.values())
        reasons = ", ".join(f"{count} {reason}" for reason, count in self.unlisted.items())
        return self.notes + [f"and {total} more images were dropped: {reasons}"]

    def add_image(self, image, source):
        """A PIL image, sent as raw pixels for the host to encode."""
        if not self.has_room(source) or not self.within_pixels(image, source):
            return
        if image.mode in DEEP_MODES:
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", compress_level=1)
            self.add_encoded(buffer.getvalue(), image, source)
            return
        try:
            image = raw_layout(image)
        except Exception as error:
            self.note(f"image from {source} dropped: mode {image.mode} cannot be shown ({error})", "of modes that cannot be shown")
            return
        data = image.tobytes()
        if is_all_white_pixels(image, data):
            self.drop_white(source)
            return
        description = {"source": source, "kind": "raw", "mode": image.mode, "width": image.width, "height": image.height}
        self.append(description, data)

    def add_encoded(self, data, image, source):
        """An encoded image file (PNG, JPEG, WEBP, GIF), sent as it is."""
        if not self.has_room(source) or not self.within_pixels(image, source):
            return
        if len(data) > CONFIG["maxImageBytes"]:
            self.note(f"image from {source} dropped: {len(data)} bytes is over {CONFIG['maxImageBytes']}", "over the byte limit")
            return
        if is_all_white(image):
            self.drop_white(source)
            return
        self.append({"source": source, "kind": "encoded"}, data)

    def has_room(self, source):
        if len(self.images) < CONFIG["maxImages"]:
            return True
        self.note(f"image from {source} dropped: at most {CONFIG['maxImages']} images per call", "past the per-call limit")
        return False

    def within_pixels(self, image, source):
        if image.width * image.height <= CONFIG["maxImagePixels"]:
            return True
        self.note(
            f"image from {source} dropped: {image.width}x{image.height} is over {CONFIG['maxImagePixels']} pixels",
            "over the pixel limit",
        )
        return False

    def drop_white(self, source):
        # DeepEyesV2 drops blank images: they are usually an empty figure, never evidence.
        self.note(f"image from {source} dropped: it is entirely white", "entirely white")

    def append(self, description, data):
        # The same image shown twice is sent once (bytes compare by length first, so this is cheap).
        if any(len(data) == len(earlier) and data == earlier for earlier in self.payloads):
            return
        if self.payload_bytes + len(data) > CONFIG["maxImages"] * CONFIG["maxImageBytes"]:
            self.note(
                f"image from {description['source']} dropped: this call's images are too large together",
                "past the per-call byte limit",
            )
            return
        description["length"] = len(data)
        self.images.append(description)
        self.payloads.append(data)
        self.payload_bytes += len(data)

    def add_figure(self, figure):
        # The rendered canvas is what savefig(format="png") would write, without the PNG encode.
        figure.canvas.draw()
        image = PIL.Image.fromarray(numpy.asarray(figure.canvas.buffer_rgba()))
        if image.getextrema()[3] == (255, 255):
            image = image.convert("RGB")
        self.add_image(image, "figure")

    def add_figures(self):
        for number in plt.get_fignums():
            self.add_figure(plt.figure(number))
        plt.close("all")


def raw_layout(image):
    """The image in a mode the host reads as raw bytes: L, RGB or RGBA."""
    if image.mode in RAW_CHANNELS:
        return image
    if image.mode in ("1", "I", "F"):
        return image.convert("L")
    has_alpha = "A" in image.mode or "a" in image.mode or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def is_all_white_pixels(image, data):
    if image.mode == "RGBA":
        # Transparency is ignored, as when the image is flattened to RGB.
        return all(extremes == (255, 255) for extremes in image.getextrema()[:3])
    # Every byte 255. A real image usually fails on its first byte; otherwise one pass, no copy.
    if not data or data[0] != 255:
        return False
    return int(numpy.frombuffer(data, dtype=numpy.uint8).min()) == 255


def is_all_white(image):
    if image.mode in DEEP_MODES:
        # Converting to RGB would clip every value above 255 to white.
        return image.getextrema() == (65535, 65535)
    rgb = image.convert("RGB")
    return all(low == 255 and high == 255 for low, high in rgb.getextrema())


current = Call()


def show(*items):
    """Shows images to the model: PIL images, numpy arrays (HxW or HxWx3/4, uint8),
    matplotlib figures, or paths of image files. `display` is the same function."""
    for item in items:
        if isinstance(item, PIL.Image.Image):
            current.add_image(item, "show")
        elif isinstance(item, numpy.ndarray):
            array = item
            if array.dtype != numpy.uint8:
                array = numpy.clip(array, 0, 255).astype(numpy.uint8)
            current.add_image(PIL.Image.fromarray(array), "show")
        elif isinstance(item, matplotlib.figure.Figure):
            current.add_figure(item)
            plt.close(item)
        elif isinstance(item, (str, os.PathLike)):
            with PIL.Image.open(item) as image:
                image.load()
                current.add_image(image, "show")
        else:
            raise TypeError(f"show() takes PIL images, numpy arrays, figures or file paths, not {type(item).__name__}")


def patched_plt_show(*args, **kwargs):
    current.add_figures()


plt.show = patched_plt_show
namespace = {"__name__": "__main__", "__builtins__": __builtins__, "show": show, "display": show}


def snapshot_image_files():
    """Image-named entries of the work folder (three levels deep) with their lstat facts; looks at
    no more than SCAN_LIMIT entries. Returns them and whether the scan stopped early."""
    found = {}
    seen = 0
    for root, directories, files in os.walk(WORK_DIR):
        depth = os.path.relpath(root, WORK_DIR).count(os.sep)
        if depth >= 3:
            directories[:] = []
        seen += len(directories)
        for name in files:
            seen += 1
            if seen > SCAN_LIMIT:
                return found, True
            if not name.lower().endswith(IMAGE_EXTENSIONS):
                continue
            path = os.path.join(root, name)
            try:
                status = os.lstat(path)
            except OSError:
                continue
            found[path] = (status.st_mtime_ns, status.st_size, status.st_mode)
    return found, False


class NotReadable(Exception):
    pass


def read_regular_file(path, limit):
    """A regular file's bytes, at most `limit` + 1 of them. Nothing else is read: a FIFO would
    block the collector until the call is killed, and a symlink or device can point anywhere, so
    the file is opened without following links and without blocking, then checked on its fd."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise NotReadable("not a regular file" if error.errno in (errno.ELOOP, errno.ENXIO) else error.strerror)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotReadable("not a regular file")
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def collect_saved_images(before):
    after, stopped = snapshot_image_files()
    if stopped:
        current.notes.append(
            f"stopped looking for saved images after {SCAN_LIMIT} entries of the work folder; files past them were not read"
        )
    for path, facts in sorted(after.items()):
        if before.get(path) == facts:
            continue
        name = os.path.relpath(path, WORK_DIR)
        if not stat.S_ISREG(facts[2]):
            current.note(f"file {name} skipped: not a regular file", "not regular files")
            continue
        if facts[1] > CONFIG["maxImageBytes"]:
            current.note(
                f"image from file {name} dropped: {facts[1]} bytes is over {CONFIG['maxImageBytes']}",
                "over the byte limit",
            )
            continue
        if not current.has_room(f"file {name}"):
            continue
        try:
            data = read_regular_file(path, CONFIG["maxImageBytes"])
            image = PIL.Image.open(io.BytesIO(data))
            image.load()
        except NotReadable as error:
            current.note(f"file {name} skipped: {error}", "not regular files")
            continue
        except Exception as error:  # a half-written or non-image file is not the host's problem
            current.note(f"file {name} skipped: {error}", "not readable as images")
            continue
        if image.format in ("PNG", "JPEG", "WEBP", "GIF"):
            current.add_encoded(data, image, f"file {name}")
        else:
            current.add_image(image, f"file {name}")


def load_images(images):
    for entry in images:
        data = entry["data"]
        path = os.path.join(WORK_DIR, entry["file"])
        with open(path, "wb") as handle:
            handle.write(data)
        # Opened, not decoded: PIL decodes on first use. Most cells touch one image, and decoding
        # every image the run gained since the last call (each earlier call's crops) cost more
        # than the rest of a crop round trip. The host only sends images it has already read.
        namespace[entry["name"]] = PIL.Image.open(io.BytesIO(data))


def user_traceback(error, first_cell_frame):
    if isinstance(error, SyntaxError):
        return "".join(traceback.format_exception_only(type(error), error))
    frames = error.__traceback__
    while frames is not None and not frames.tb_frame.f_code.co_filename.startswith("<cell-"):
        frames = frames.tb_next
    return "".join(traceback.format_exception(type(error), error, frames))


def run_code(code, cell_name):
    """Execs the code; when its last statement is an expression, evaluates it and returns its repr
    (like a notebook cell). PIL images and figures as last value are also shown."""
    linecache.cache[cell_name] = (len(code), None, code.splitlines(True), cell_name)
    tree = ast.parse(code, filename=cell_name, mode="exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, cell_name, "exec"), namespace)
    if last is None:
        return None
    value = eval(compile(last, cell_name, "eval"), namespace)
    if value is None:
        return None
    if isinstance(value, (PIL.Image.Image, matplotlib.figure.Figure)):
        show(value)
    return repr(value)


def set_cpu_budget(seconds):
    """Each call gets `seconds` of CPU on top of what the session has used so far; the hard
    limit (set at start, not raisable) caps the session as a whole."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def handle(request, counter):
    global current
    current = Call()
    stdout = CappedWriter(CONFIG["maxOutputChars"])
    stderr = CappedWriter(CONFIG["maxOutputChars"])
    response = {"id": request["id"]}
    try:
        load_images(request.get("images", []))
    except Exception as error:
        response["error"] = f"could not load input images: {error}"
    before, _ = snapshot_image_files()
    set_cpu_budget(CONFIG["cpuSecondsPerCall"])
    sys.stdout, sys.stderr = stdout, stderr
    try:
        response["result"] = run_code(request["code"], f"<cell-{counter}>")
    except BaseException as error:  # SystemExit and KeyboardInterrupt are user errors too
        if os.getpid() != DRIVER_PID:
            os._exit(1)
        response["error"] = user_traceback(error, f"<cell-{counter}>")
    finally:
        if os.getpid() != DRIVER_PID:
            # A fork of the driver made by user code must never answer the host.
            os._exit(0)
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    end_other_processes()
    try:
        current.add_figures()
        collect_saved_images(before)
    except Exception as error:
        current.notes.append(f"collecting images failed: {error}")
    notes = current.all_notes()
    response.update(
        stdout=stdout.text(),
        stderr=stderr.text(),
        stdoutDropped=stdout.dropped,
        stderrDropped=stderr.dropped,
        images=current.images,
        notes=notes,
        payloadBytes=current.payload_bytes,
    )
    if response.get("result") is not None and len(response["result"]) > CONFIG["maxOutputChars"]:
        response["result"] = response["result"][: CONFIG["maxOutputChars"]] + " ... [truncated]"
    return response, current.payloads


def end_other_processes():
    """Kills every process the cell left behind (background subprocesses, forks in their own
    sessions, their children): nothing may keep burning CPU or holding memory after its call has
    answered. The driver runs in its own pid namespace, where kill(-1) reaches every process of
    the sandbox except the caller and the namespace's init (bubblewrap), and nothing outside."""
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:  # ESRCH: there was nothing else running
        pass
    # Reap the driver's own children now: a zombie still counts against the process limit.
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue


def apply_limits():
    def limit(kind, value):
        if value and value > 0:
            resource.setrlimit(kind, (value, value))

    limit(resource.RLIMIT_AS, CONFIG["memoryBytes"])
    limit(resource.RLIMIT_NPROC, CONFIG["processes"])
    limit(resource.RLIMIT_FSIZE, CONFIG["fileSizeBytes"])
    limit(resource.RLIMIT_CPU, CONFIG["cpuSecondsPerSession"])
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main():
    apply_limits()
    ready = {"ready": True, "python": sys.version.split()[0], "payloadBytes": 0}
    font_list = built_font_list()
    if font_list:
        ready["fontList"] = font_list
    send(ready, [])
    counter = 0
    for line in requests:
        counter += 1
        request = json.loads(line)
        # A request is framed like a response: its JSON line, then each image's bytes
        # ("length" in its entry), so images travel without base64.
        for entry in request.get("images", []):
            entry["data"] = requests.read(entry["length"])
        send(*handle(request, counter))


def send(header, payloads):
    responses.write(json.dumps(header).encode("utf-8") + b"\n")
    for data in payloads:
        responses.write(data)
    responses.flush()


main()
