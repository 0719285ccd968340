"""Drives Python's jira library (Debian's python3-jira) against a Jira base
URL, as its users would, and prints one JSON object per step:
{"step", "ok", "detail"}.

Usage: python3 run.py <base URL> <personal access token>
"""
import json
import sys

from jira import JIRA, JIRAError

base, token = sys.argv[1], sys.argv[2]


def basic_myself():
    me = JIRA(base, basic_auth=("fred", "fred")).myself()
    assert me["name"] == "fred", me
    return me["name"]


def basic_search():
    # search_issues loads /rest/api/2/field first, to translate field names.
    issues = JIRA(base, basic_auth=("fred", "fred")).search_issues("assignee = fred")
    assert len(issues) > 0, issues
    return f"{len(issues)} issues"


def basic_issue():
    issue = JIRA(base, basic_auth=("fred", "fred")).issue("QA-31")
    assert issue.key == "QA-31", issue.key
    return issue.fields.summary


def cookie_session():
    # auth= logs in through /rest/auth/1/session and keeps the cookie.
    jira = JIRA(base, auth=("fred", "fred"))
    user = jira.session()
    issues = jira.search_issues("type = Bug AND status = Closed")
    jira.kill_session()
    return f"{user.name}: {len(issues)} issues"


def token_myself():
    me = JIRA(base, token_auth=token).myself()
    assert me["name"] == "admin", me
    return me["name"]


def wrong_password():
    try:
        JIRA(base, basic_auth=("sso-user", "nope"), max_retries=0).myself()
    except JIRAError as e:
        assert e.status_code == 401, e.status_code
        return "401"
    raise AssertionError("accepted")


STEPS = [
    ("basic auth: myself", basic_myself),
    ("basic auth: search", basic_search),
    ("basic auth: issue", basic_issue),
    ("cookie session: login, search, logout", cookie_session),
    ("bearer token: myself", token_myself),
    ("wrong password is refused", wrong_password),
]

failed = False
for step, fn in STEPS:
    try:
        print(json.dumps({"step": step, "ok": True, "detail": str(fn())}), flush=True)
    except Exception as e:  # report every failure, go on with the next step
        failed = True
        print(json.dumps({"step": step, "ok": False, "detail": f"{type(e).__name__}: {e}"[:500]}), flush=True)
sys.exit(1 if failed else 0)
