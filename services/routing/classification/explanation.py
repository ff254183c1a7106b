"""The explanation an officer reads: every signal of a decision, in Vietnamese."""

from services.routing.classification.decision import LEVEL_LABELS, AgencyRecord, Candidate, Draft, RuleView
from services.routing.classification.places import Place, UnitRecord
from services.routing.classification.rulebook import Rulebook


class Explainer:
    def __init__(self, rulebook: Rulebook, units: dict[str, UnitRecord], agencies: dict[str, AgencyRecord]):
        self.rulebook = rulebook
        self.units = units
        self.agencies = agencies

    def explain(self, draft: Draft, view: RuleView, others: tuple[str, ...], topic: str | None = None,
                model_lines: list[str] | None = None) -> list[str]:
        lines = []
        if draft.rule is not None:
            lines.append(f"Quy tắc «{draft.rule.label}» [{draft.rule.id}] — khớp: «{'», «'.join(draft.hits)}»")
        lines.extend(draft.notes)
        lines.extend(model_lines or [])
        topic = topic if model_lines is not None else view.topic
        words = f" — từ khóa: «{'», «'.join(view.topic_hits[:5])}»" if view.topic_hits and topic == view.topic else ""
        lines.append(f"Lĩnh vực: {self.rulebook.topic_label(topic)}{words}")
        lines.append(self.place_line(view.place))
        addressed, addressed_hit = view.addressed, view.addressed_hit
        if addressed:
            lines.append(f"Cử tri đề nghị cấp {LEVEL_LABELS[addressed]} («{addressed_hit}») — là tín hiệu, "
                         f"không phải căn cứ quyết định")
        agency = self.agencies[draft.agency_code]
        lines.append(f"Cơ quan đề xuất: {agency.name} ({agency.code}), cấp {LEVEL_LABELS[draft.level]}")
        if others:
            lines.append("Cơ quan phối hợp (các đề nghị khác trong kiến nghị): "
                         + ", ".join(f"{self.agencies[c].name} ({c})" for c in others))
        return lines

    def place_line(self, place: Place) -> str:
        code = place.commune or place.district
        if code is None:
            return "Địa bàn: không xác định (không nêu trong nội dung, kiến nghị thuộc cấp tỉnh)"
        origin = "nêu trong nội dung" if place.source == "text" else "đơn vị của kiến nghị / nơi tiếp xúc cử tri"
        named = ", ".join(dict.fromkeys(m.text for m in place.mentions))
        suffix = f" («{named}»)" if named else ""
        return f"Địa bàn: {self.units[code].name} ({code}) — {origin}{suffix}"

    def model_lines(self, candidates: list[Candidate], view: RuleView, version: int | None, placed: bool) -> list[str]:
        ranked = "; ".join(f"{LEVEL_LABELS[c.level]} — {self.agencies[c.agency_code].name} {c.probability:.2f}"
                           for c in candidates)
        lines = [f"Mô hình học (phiên bản {version or 'gốc'}), ba khả năng cao nhất: {ranked}"]
        chosen, draft = candidates[0], view.draft
        if draft.rule is not None and (chosen.level, chosen.agency_code) != (draft.level, draft.agency_code):
            lines.append(f"Quy tắc đề xuất {self.agencies[draft.agency_code].name}; mô hình học từ các trả lời "
                         f"thực tế chọn cơ quan khác")
        if not placed:
            lines.append(f"Cấp {LEVEL_LABELS[chosen.level]} nhưng không xác định được địa bàn: đề xuất UBND tỉnh, "
                         f"cần thư ký chọn đơn vị")
        return lines
