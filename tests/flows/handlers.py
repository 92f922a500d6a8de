"""Step services used to test the engine on its own (navigation, tokens, locking, actors)."""

from flows.steps.base import ActionResult, StepOutcome, StepService, value


class AnswerService(StepService):
    """Done when the posted answer starts with "ok"; keeps whatever was posted. Its action
    "note" records a note in the evidence (under the engine's lock)."""

    actions = ("note",)

    def state(self):
        return {"answer": (self.record.data or {}).get("answer", "")}

    def submit(self, *, actor, data, prepared) -> StepOutcome:
        answer = value(data, "answer")
        if answer.startswith("ok"):
            return StepOutcome(done=True, data={"answer": answer})
        return StepOutcome(done=False, errors={"answer": ["请回答 ok"]}, data={"answer": answer})

    def act(self, *, actor, name, data, files) -> ActionResult:
        notes = [*(self.record.evidence or {}).get("notes", []), value(data, "note")]
        self.record.evidence = {**(self.record.evidence or {}), "notes": notes}
        return ActionResult(data={"notes": len(notes)})
