"""A naive crop tool server, the baseline for bench/crop-encode.ts.

Reads one JSON request per line on stdin ({"path", "box", "format", "quality"}), and for each
opens the image, crops, and encodes, as a tool server that keeps no decoded image between calls
would. Replies with one JSON line: the milliseconds the work took and the encoded size.
"""
import io
import json
import sys
import time

from PIL import Image

for line in sys.stdin:
    request = json.loads(line)
    start = time.perf_counter()
    with Image.open(request["path"]) as image:
        region = image.crop(tuple(request["box"]))
        buffer = io.BytesIO()
        if request["format"] == "png":
            region.save(buffer, "PNG")
        else:
            region.save(buffer, "JPEG", quality=request["quality"])
    elapsed = (time.perf_counter() - start) * 1000
    sys.stdout.write(json.dumps({"ms": elapsed, "bytes": buffer.tell()}) + "\n")
    sys.stdout.flush()
