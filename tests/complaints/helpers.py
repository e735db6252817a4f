"""Helpers shared by the complaint tests."""

import io

from PIL import Image, ImageDraw

from complaints import services
from complaints.models import ReplyMethod, StepKind

TEXTS = {
    StepKind.HEARD: "客户说没有车位却被收费。",
    StepKind.ASKED: "核对账单编号2026Q4-0312。",
    StepKind.FOLLOWED: "转财务部核查，系统计费错误。",
    StepKind.REPLIED: "电话告知已冲减，下期账单体现。",
}


def take_through(complaint, by, until: str = "replied", method: str = ReplyMethod.PHONE):
    """Record the five clears in order up to and including `until`."""
    for kind in (StepKind.HEARD, StepKind.ASKED, StepKind.FOLLOWED, StepKind.REPLIED):
        services.record_step(
            complaint=complaint,
            kind=kind,
            text=TEXTS[kind],
            by=by,
            method=method if kind == StepKind.REPLIED else "",
        )
        if kind == until:
            return


def signature_png(blank: bool = False, size=(600, 200)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line([(20, 150), (200, 40), (400, 160)], fill=(0, 0, 0, 255), width=5)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()
