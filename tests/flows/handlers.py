"""Step handlers used to test the engine on its own (navigation, tokens, locking)."""

from flows.steps.base import StepHandler, StepResult


class AnswerHandler(StepHandler):
    """Done when the posted answer is "ok"; keeps whatever was posted."""

    template_name = "flows/steps/unavailable.html"

    def submit(self, request) -> StepResult:
        answer = request.POST.get("answer", "")
        if answer.startswith("ok"):
            return StepResult(done=True, data={"answer": answer})
        return StepResult(done=False, errors={"answer": ["请回答 ok"]}, data={"answer": answer})
