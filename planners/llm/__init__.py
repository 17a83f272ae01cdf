"""The llm planner: any OpenAI-compatible model turns a prompt into a scene.

Modules, one job each: `options` (configuration, key, host), `transport` (requests, retries,
error mapping), `reply` (the reply model, its schema, reading raw text), `lmd` (LLM-grounded
Diffusion's format), `convert` (reply -> Scene, completion), `templates` (the system prompt),
`cache` (plans on disk), `planner` (the loop that ties them together).
"""

from .options import LLMOptions
from .planner import LLMPlanner
from .reply import PlanReply, reply_json_schema

__all__ = ["LLMOptions", "LLMPlanner", "PlanReply", "reply_json_schema"]
