"""Loupe's Python sandbox driver: a small notebook kernel that runs inside bubblewrap.

The host (src/sandbox/sandbox-session.ts) starts it as
    python3 driver.py '<config json>'
with two extra pipes: fd 3 carries requests (one JSON object per line) and fd 4 carries
responses (one JSON object per line). User code never sees fd 3/4 as stdout, so its prints
cannot corrupt the protocol; what it prints is captured per call and returned as text.

Images travel inside the protocol (base64), never as files the host reads or writes: the work
directory belongs to the sandboxed code, and a symlink planted there must not make the host
touch its own files.
"""

import ast
import base64
import hashlib
import io
import json
import linecache
import os
import resource
import sys
import traceback

CONFIG = json.loads(sys.argv[1])
DRIVER_PID = os.getpid()
WORK_DIR = os.getcwd()
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff")

requests = os.fdopen(3, "r", encoding="utf-8")
responses = os.fdopen(4, "w", encoding="utf-8")

# Heavy imports happen before the first request so that a warm session answers at once.
import numpy  # noqa: E402,F401
import PIL.Image  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


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


class Call:
    """What one exec produces besides its printed output."""

    def __init__(self):
        self.images = []
        self.notes = []
        self.seen = set()

    def add_png(self, image, source):
        buffer = io.BytesIO()
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        # Level 1 encodes about 3x faster than the default 6 for ~15% more bytes; the encode
        # dominates the round trip of a crop.
        image.save(buffer, format="PNG", compress_level=1)
        self.add_bytes(buffer.getvalue(), image, source)

    def add_bytes(self, data, image, source):
        if len(self.images) >= CONFIG["maxImages"]:
            self.notes.append(f"image from {source} dropped: at most {CONFIG['maxImages']} images per call")
            return
        if image.width * image.height > CONFIG["maxImagePixels"]:
            self.notes.append(
                f"image from {source} dropped: {image.width}x{image.height} is over {CONFIG['maxImagePixels']} pixels"
            )
            return
        if len(data) > CONFIG["maxImageBytes"]:
            self.notes.append(f"image from {source} dropped: {len(data)} bytes is over {CONFIG['maxImageBytes']}")
            return
        if is_all_white(image):
            # DeepEyesV2 drops blank images: they are usually an empty figure, never evidence.
            self.notes.append(f"image from {source} dropped: it is entirely white")
            return
        digest = hashlib.sha256(data).hexdigest()
        if digest in self.seen:
            return
        self.seen.add(digest)
        self.images.append({"source": source, "data": base64.b64encode(data).decode("ascii")})

    def add_figures(self):
        for number in plt.get_fignums():
            figure = plt.figure(number)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png")
            buffer.seek(0)
            self.add_bytes(buffer.getvalue(), PIL.Image.open(buffer), "figure")
        plt.close("all")


def is_all_white(image):
    rgb = image.convert("RGB")
    return all(low == 255 and high == 255 for low, high in rgb.getextrema())


current = Call()


def show(*items):
    """Shows images to the model: PIL images, numpy arrays (HxW or HxWx3/4, uint8),
    matplotlib figures, or paths of image files. `display` is the same function."""
    for item in items:
        if isinstance(item, PIL.Image.Image):
            current.add_png(item, "show")
        elif isinstance(item, numpy.ndarray):
            array = item
            if array.dtype != numpy.uint8:
                array = numpy.clip(array, 0, 255).astype(numpy.uint8)
            current.add_png(PIL.Image.fromarray(array), "show")
        elif isinstance(item, matplotlib.figure.Figure):
            buffer = io.BytesIO()
            item.savefig(buffer, format="png")
            buffer.seek(0)
            current.add_bytes(buffer.getvalue(), PIL.Image.open(buffer), "figure")
            plt.close(item)
        elif isinstance(item, (str, os.PathLike)):
            with PIL.Image.open(item) as image:
                image.load()
                current.add_png(image, "show")
        else:
            raise TypeError(f"show() takes PIL images, numpy arrays, figures or file paths, not {type(item).__name__}")


def patched_plt_show(*args, **kwargs):
    current.add_figures()


plt.show = patched_plt_show
namespace = {"__name__": "__main__", "__builtins__": __builtins__, "show": show, "display": show}


def snapshot_image_files():
    found = {}
    for root, directories, files in os.walk(WORK_DIR):
        depth = os.path.relpath(root, WORK_DIR).count(os.sep)
        if depth >= 3:
            directories[:] = []
        for name in files:
            if not name.lower().endswith(IMAGE_EXTENSIONS):
                continue
            path = os.path.join(root, name)
            try:
                status = os.lstat(path)
            except OSError:
                continue
            found[path] = (status.st_mtime_ns, status.st_size)
            if len(found) >= 2000:
                return found
    return found


def collect_saved_images(before):
    after = snapshot_image_files()
    for path, facts in sorted(after.items()):
        if before.get(path) == facts:
            continue
        name = os.path.relpath(path, WORK_DIR)
        try:
            with open(path, "rb") as handle:
                data = handle.read(CONFIG["maxImageBytes"] + 1)
            image = PIL.Image.open(io.BytesIO(data))
            image.load()
        except Exception as error:  # a half-written or non-image file is not the host's problem
            current.notes.append(f"file {name} skipped: {error}")
            continue
        if image.format in ("PNG", "JPEG", "WEBP", "GIF"):
            current.add_bytes(data, image, f"file {name}")
        else:
            current.add_png(image, f"file {name}")


def load_images(images):
    for entry in images:
        data = base64.b64decode(entry["data"])
        path = os.path.join(WORK_DIR, entry["file"])
        with open(path, "wb") as handle:
            handle.write(data)
        image = PIL.Image.open(io.BytesIO(data))
        image.load()
        namespace[entry["name"]] = image


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
    before = snapshot_image_files()
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
    try:
        current.add_figures()
        collect_saved_images(before)
    except Exception as error:
        current.notes.append(f"collecting images failed: {error}")
    response.update(
        stdout=stdout.text(),
        stderr=stderr.text(),
        stdoutDropped=stdout.dropped,
        stderrDropped=stderr.dropped,
        images=current.images,
        notes=current.notes,
    )
    if response.get("result") is not None and len(response["result"]) > CONFIG["maxOutputChars"]:
        response["result"] = response["result"][: CONFIG["maxOutputChars"]] + " ... [truncated]"
    return response


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
    responses.write(json.dumps({"ready": True, "python": sys.version.split()[0]}) + "\n")
    responses.flush()
    counter = 0
    for line in requests:
        counter += 1
        request = json.loads(line)
        response = handle(request, counter)
        responses.write(json.dumps(response) + "\n")
        responses.flush()


main()
