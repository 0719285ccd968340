// Drives the npm package jira-client against a Jira base URL, as its users
// would, and prints one JSON object per step: {"step", "ok", "detail"}.
// Usage: node run.js <base URL> <personal access token>
'use strict';
const JiraApi = require('jira-client');

const [base, token] = process.argv.slice(2);
const url = new URL(base);

function client(auth) {
  return new JiraApi({
    protocol: url.protocol.replace(':', ''),
    host: url.hostname,
    port: url.port,
    base: url.pathname.replace(/\/$/, ''),
    apiVersion: '2',
    strictSSL: false,
    ...auth,
  });
}

const steps = [
  ['basic auth: myself', async () => {
    const me = await client({ username: 'fred', password: 'fred' }).getCurrentUser();
    if (me.name !== 'fred') throw new Error(`name ${me.name}`);
    return me.name;
  }],
  ['basic auth: search', async () => {
    const res = await client({ username: 'fred', password: 'fred' }).searchJira('assignee = fred');
    if (!(res.total > 0)) throw new Error(`total ${res.total}`);
    return `total ${res.total}`;
  }],
  ['basic auth: issue', async () => {
    const issue = await client({ username: 'fred', password: 'fred' }).findIssue('QA-31');
    if (issue.key !== 'QA-31') throw new Error(`key ${issue.key}`);
    return issue.fields.summary;
  }],
  ['bearer token: myself', async () => {
    const me = await client({ bearer: token }).getCurrentUser();
    if (me.name !== 'admin') throw new Error(`name ${me.name}`);
    return me.name;
  }],
  ['wrong password is refused', async () => {
    try {
      await client({ username: 'sso-user', password: 'nope' }).getCurrentUser();
    } catch (e) {
      // jira-client rethrows the response body as the error's message, so a
      // user sees Jira's HTML error page, not a status code.
      if (String(e.message).includes('Basic Authentication Failure - Reason : AUTHENTICATED_FAILED')) return 'Jira\'s 401 page';
      throw e;
    }
    throw new Error('accepted');
  }],
];

(async () => {
  let failed = false;
  for (const [step, fn] of steps) {
    try {
      const detail = await fn();
      console.log(JSON.stringify({ step, ok: true, detail: String(detail) }));
    } catch (e) {
      failed = true;
      console.log(JSON.stringify({ step, ok: false, detail: String(e && (e.message || e)).slice(0, 500) }));
    }
  }
  process.exit(failed ? 1 : 0);
})();
