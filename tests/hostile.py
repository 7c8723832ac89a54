"""Plans written to attack the build or the reader's browser, one kind of attack per file.

Every script they try to run sets `window.__pwned` or calls `alert()`, so a browser test
can tell whether any ran.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_plans

PWN = "window.__pwned=1;alert(1)"


def answers(*texts: str) -> str:
    """Return a section whose questions are answered by the given texts."""
    return "## End\n\n" + "".join(f"> Question {n}?\n\n{text}\n\n" for n, text in enumerate(texts, 1))


def plan(title: str, body: str, meta: str = "[[country:Kenya]]\n[[year:2023]]\n") -> str:
    return f"# {title}\n\n{meta}{body}"


HOSTILE_PLANS: dict[str, str | bytes] = {
    "script.md": plan(
        "Script tags",
        answers(
            f"<script>{PWN}</script>",
            f"<SCRIPT SRC=data:text/javascript,{PWN}></SCRIPT>",
            f"<scr<script>ipt>{PWN}</script>",
        ),
    ),
    "img_onerror.md": plan(
        "Image onerror",
        answers(
            f'<img src=x onerror="{PWN}">',
            f"<img src=x onerror={PWN}//>",
            f'<IMG SRC="nothing.png" ONERROR="{PWN}">',
        ),
    ),
    "svg_onload.md": plan(
        "SVG onload",
        answers(
            f'<svg onload="{PWN}"><circle r="5"/></svg>',
            f"<svg><script>{PWN}</script></svg>",
            f'<math><mtext><img src=x onerror="{PWN}"></mtext></math>',
        ),
    ),
    "iframe.md": plan(
        "Iframes and objects",
        answers(
            f'<iframe src="javascript:{PWN}"></iframe>',
            f'<iframe srcdoc="<script>parent.{PWN}</script>"></iframe>',
            f'<object data="javascript:{PWN}"></object><embed src="javascript:{PWN}">',
            f'<form action="javascript:{PWN}"><button>Send</button></form>',
        ),
    ),
    "style.md": plan(
        "Styles",
        answers(
            "<style>body { display: none }</style>",
            '<p style="position:fixed;top:0;left:0;width:100%;height:100%">cover</p>',
            f'<div style="background:url(javascript:{PWN})">x</div>',
        ),
    ),
    "links_markdown.md": plan(
        "Links in markdown",
        answers(
            f"[javascript](javascript:{PWN})",
            f"[mixed case](JaVaScRiPt:{PWN})",
            "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[vbscript](vbscript:msgbox(1))",
            f"[entity](&#106;avascript:{PWN})",
            f"![image](javascript:{PWN})",
            f"[reference][r]\n\n[r]: javascript:{PWN}",
            f"<javascript:{PWN}>",
        ),
    ),
    "links_html.md": plan(
        "Links in HTML",
        answers(
            f'<a href="javascript:{PWN}">javascript</a>',
            f'<a href="&#106;avascript:{PWN}">entity</a>',
            f'<a href=" java\tscript:{PWN}">tab</a>',
            '<a href="data:text/html,<script>alert(1)</script>">data</a>',
            '<a href="vbscript:msgbox(1)">vbscript</a>',
            f'<a href="#" onclick="{PWN}">onclick</a>',
            f'<a xlink:href="javascript:{PWN}">xlink</a>',
            f'<base href="javascript:{PWN}//"><meta http-equiv="refresh" content="0;url=javascript:{PWN}">',
        ),
    ),
    "html_everywhere.md": (
        f"# <script>{PWN}</script><img src=x onerror={PWN}> Title\n\n"
        f"[[country:<script>{PWN}</script>]]\n"
        f"[[methods:<img src=x onerror={PWN}>]]\n"
        f'[[thematic_areas:"><svg onload={PWN}>]]\n'
        f"[[focal_point:<b onmouseover={PWN}>someone@example.org</b>]]\n"
        f"[[colour:<script>{PWN}</script>]]\n"
        f"## <svg onload={PWN}> Heading\n\n"
        f"> <img src=x onerror={PWN}> question?\n\nanswer\n"
    ),
    "paths.md": plan(
        "../../../../etc/passwd",
        answers("Values that look like paths."),
        "[[country:../../etc]]\n[[methods:%2e%2e]]\n[[methods:a/b]]\n[[methods:?#]]\n[[methods:..]]\n"
        "[[datasources:/etc/passwd]]\n[[datasources:C:\\Windows\\System32]]\n[[thematic_areas:%2F..%2F]]\n",
    ),
    "big_answer.md": plan("A 5 MB answer", answers(("All work and no play. " * 20 + "\n") * 11_400)),
    "many_metadata.md": plan(
        "Ten thousand metadata lines",
        answers("Many lines above."),
        "".join(
            f"[[methods:Method {n % 50}]]\n[[colour:{n}]]\n" if n % 2 else f"[[year:{2000 + n % 100}]]\n"
            for n in range(10_000)
        ),
    ),
    "nested.md": plan(
        "Deep nesting",
        answers(
            "> " * 1000 + "deep quote",
            "\n".join("  " * depth + "- item" for depth in range(300)),
            "<div>" * 5000 + f"<img src=x onerror={PWN}>" + "</div>" * 5000,
            "<blockquote>" * 99 + "deep but fine" + "</blockquote>" * 99,
        ),
    ),
    "nul.md": plan("NUL\x00 bytes", answers("before\x00after")),
    "not_utf8.md": b"# Caf\xe9 latin-1\n\n## End\n\n> Q?\n\nna\xefve\n",
}


def write_hostile_plans(folder: Path) -> Path:
    """Write the hostile plans, and symbolic links out of the folder, into folder/plans."""
    outside = write_plans(folder / "outside", {"secret.md": "# Secret plan\n\nSECRET-CONTENT\n"})
    source = write_plans(folder / "plans", HOSTILE_PLANS)
    (source / "link_to_outside.md").symlink_to(outside / "secret.md")
    (source / "linked_folder").symlink_to(outside)
    return source
