"""The page of text scripts/dev-net.sh sends the PP-OCRv4 detector, and the
check that the probability map the client got back shows that text.

    text_page.py render page.npy mask.npy
        Renders a 640x640 page with lines of text in Pillow's built-in font,
        saves it as the detector takes it (1x3x640x640 float32, normalized as
        RapidOCR feeds it: x / 127.5 - 1) and the boxes of the lines.
    text_page.py check map.npy boxes.npy map.png
        Reads the 1x1x640x640 map, saves it as a picture, and fails unless it
        shows the text: over the detector's 0.3 threshold along nearly the
        whole width of every line (DBNet marks a line's shrunk core, not its
        whole box), and below it nearly everywhere off the lines.
"""

import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SIZE = 640
LINES = [
    "Triad: verifiable inference",
    "on a Substrate chain.",
    "Workers run ONNX models;",
    "three verifiers re-run them,",
    "commit to keyed fingerprints,",
    "and a 2-of-3 majority decides.",
    "Honest seats are paid,",
    "dishonest ones are slashed.",
]
THRESHOLD = 0.3


def render(page_path, boxes_path):
    font = ImageFont.load_default(size=30)
    img = Image.new("L", (SIZE, SIZE), 245)
    draw = ImageDraw.Draw(img)
    boxes = []
    for n, line in enumerate(LINES):
        x, y = 40, 40 + n * 70
        draw.text((x, y), line, fill=20, font=font)
        boxes.append(draw.textbbox((x, y), line, font=font))
    gray = np.asarray(img, np.float32)
    page = np.stack([gray / 127.5 - 1.0] * 3)[None].astype(np.float32)
    np.save(page_path, page)
    np.save(boxes_path, np.array(boxes, np.int64))


def check(map_path, boxes_path, png_path):
    prob = np.load(map_path)
    boxes = np.load(boxes_path)
    if prob.shape != (1, 1, SIZE, SIZE):
        sys.exit(f"the map is {prob.shape}, not (1, 1, {SIZE}, {SIZE})")
    prob = prob[0, 0]
    Image.fromarray((np.clip(prob, 0, 1) * 255).astype(np.uint8)).save(png_path)
    text = prob > THRESHOLD
    off = np.ones_like(text)
    spans = []
    for left, top, right, bottom in boxes:
        spans.append(float(text[top:bottom, left:right].any(axis=0).mean()))
        off[top:bottom, left:right] = False
    stray = float(text[off].mean())
    print(f"{len(boxes)} lines of text; the share of each line's width marked as text: "
          + ", ".join(f"{s:.0%}" for s in spans))
    print(f"off the lines: {stray:.2%} of the pixels marked as text")
    print(f"the map as a picture: {png_path}")
    if min(spans) < 0.8 or stray > 0.01:
        sys.exit("the probability map does not show the text")


if __name__ == "__main__":
    {"render": render, "check": check}[sys.argv[1]](*sys.argv[2:])
