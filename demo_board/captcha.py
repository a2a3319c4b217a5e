"""The CAPTCHA of Wayne's Lever postings: five characters drawn as jittered pixels in an inline
SVG, crossed by noise lines. The page holds no text of the answer, only rectangles and lines,
so reading it takes a person (or the operator API, which tests use to play one)."""

import secrets

# A 5 by 7 pixel font of characters that cannot be mistaken for one another.
GLYPHS = {
    "A": "01110/10001/10001/11111/10001/10001/10001",
    "C": "01111/10000/10000/10000/10000/10000/01111",
    "E": "11111/10000/10000/11110/10000/10000/11111",
    "F": "11111/10000/10000/11110/10000/10000/10000",
    "H": "10001/10001/10001/11111/10001/10001/10001",
    "K": "10001/10010/10100/11000/10100/10010/10001",
    "L": "10000/10000/10000/10000/10000/10000/11111",
    "M": "10001/11011/10101/10101/10001/10001/10001",
    "N": "10001/11001/10101/10011/10001/10001/10001",
    "P": "11110/10001/10001/11110/10000/10000/10000",
    "R": "11110/10001/10001/11110/10100/10010/10001",
    "T": "11111/00100/00100/00100/00100/00100/00100",
    "X": "10001/10001/01010/00100/01010/10001/10001",
    "Y": "10001/10001/01010/00100/00100/00100/00100",
    "3": "11110/00001/00001/01110/00001/00001/11110",
    "4": "00010/00110/01010/10010/11111/00010/00010",
    "7": "11111/00001/00010/00100/01000/01000/01000",
}
LENGTH = 5
PIXEL = 4
WIDTH, HEIGHT = 200, 60


def new_answer() -> str:
    alphabet = sorted(GLYPHS)
    return "".join(secrets.choice(alphabet) for _ in range(LENGTH))


def _jitter(spread: int) -> int:
    return secrets.randbelow(2 * spread + 1) - spread


def render_svg(answer: str) -> str:
    pixels, lines = [], []
    for position, character in enumerate(answer):
        left = 14 + position * 36 + _jitter(3)
        top = 12 + _jitter(5)
        rows = GLYPHS[character].split("/")
        for row, bits in enumerate(rows):
            for column, bit in enumerate(bits):
                if bit == "1":
                    x = left + column * PIXEL + _jitter(1)
                    y = top + row * PIXEL + _jitter(1)
                    pixels.append(f'<rect x="{x}" y="{y}" width="{PIXEL}" height="{PIXEL}"/>')
    for _ in range(6):
        x1, y1 = secrets.randbelow(WIDTH), secrets.randbelow(HEIGHT)
        x2, y2 = secrets.randbelow(WIDTH), secrets.randbelow(HEIGHT)
        lines.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="CAPTCHA image">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f4f1ea"/>'
        f'<g fill="#2b2b2b">{"".join(pixels)}</g>'
        f'<g stroke="#6b5f48" stroke-width="1.5">{"".join(lines)}</g></svg>'
    )
