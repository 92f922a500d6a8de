"""The entry point named by WAGTAIL_FINISH_WORKFLOW_ACTION. Wagtail imports it while its own
models are still loading, so it imports the service only when a workflow finishes."""


def finish_reviewed_workflow(workflow_state, user=None) -> None:
    from .approval import finish_reviewed_workflow as finish

    finish(workflow_state, user=user)
