// A stand-in for the Pulumi CLI, run by the Automation API exactly like the real binary (argv, cwd,
// environment). It records every call, keeps which stacks exist, and answers the commands the
// orchestration uses the way the CLI does (exit codes, stderr texts the Automation API parses,
// engine events over the event-log channel, JSON of `stack output` and `stack history`).
// Anything else exits non-zero, so an unexpected command fails the test.
//
// State lives in $FAKE_PULUMI_STATE: calls.jsonl (one recorded call a line), stacks.json (the
// stacks that exist and whether they hold resources), scenario.json (written by the test):
//   { "fail": { "project": "platform-cluster", "command": "up" },
//     "resources": { "platform-network": 12 },
//     "outputs": { "platform-cluster": { "kubeconfig": { "value": "...", "secret": true } } },
//     "policy": { "platform-cluster": [{ "policy": "eks-logging", "level": "mandatory", "message": "..." }] } }
// Policy findings become policy events (a mandatory one fails the run, as the CLI does); with
// `--diff` the output renders each step the way `pulumi preview --diff` does.
/* global process, console */
import * as fs from "node:fs";
import * as path from "node:path";

const VERSION = "3.270.0";

const argv = process.argv.slice(2);
if (argv[0] === "version") {
    console.log(`v${VERSION}`);
    process.exit(0);
}
const stateDir = process.env.FAKE_PULUMI_STATE;
if (!stateDir) {
    console.error("fake pulumi: FAKE_PULUMI_STATE is not set");
    process.exit(2);
}
const file = (name) => path.join(stateDir, name);
const readJson = (name, fallback) => (fs.existsSync(file(name)) ? JSON.parse(fs.readFileSync(file(name), "utf8")) : fallback);
const scenario = readJson("scenario.json", {});
const stacks = readJson("stacks.json", {});
const saveStacks = () => fs.writeFileSync(file("stacks.json"), JSON.stringify(stacks, null, 2));

function flag(name) {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
}
const flags = (name) => argv.flatMap((a, i) => (a === name ? [argv[i + 1]] : []));

/**
 * The project in the working directory, and the stack config file the CLI reads for a stack. A
 * project file is parsed once per content (cached as JSON in <tmp>/fake-pulumi-projects): loading the
 * YAML parser is most of a call's start-up, and the tests make a hundred calls.
 */
async function project() {
    const settingsFile = path.join(process.cwd(), "Pulumi.yaml");
    if (!fs.existsSync(settingsFile)) return undefined;
    const text = fs.readFileSync(settingsFile, "utf8");
    const { createHash } = await import("node:crypto");
    const { tmpdir } = await import("node:os");
    const cacheDir = path.join(tmpdir(), "fake-pulumi-projects");
    const cached = path.join(cacheDir, `${createHash("sha256").update(text).digest("hex")}.json`);
    if (fs.existsSync(cached)) return JSON.parse(fs.readFileSync(cached, "utf8"));
    const { parse } = await import("yaml");
    const settings = parse(text);
    // Written whole, then renamed: a call running beside this one reads all of it or nothing.
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${cached}.${process.pid}`;
    fs.writeFileSync(partial, JSON.stringify(settings));
    fs.renameSync(partial, cached);
    return settings;
}
function configFileOf(settings, stack) {
    if (flag("--config-file")) return path.resolve(flag("--config-file"));
    return path.resolve(process.cwd(), settings?.stackConfigDir ?? ".", `Pulumi.${stack}.yaml`);
}

const settings = await project();
const stack = flag("--stack") ?? (argv[0] === "stack" && argv[1] === "init" ? argv[2] : undefined);
const key = `${settings?.name}/${stack}`;
const command = argv[0] === "stack" ? `stack ${argv[1]}` : argv[0];

fs.appendFileSync(file("calls.jsonl"), JSON.stringify({
    command,
    argv,
    cwd: process.cwd(),
    project: settings?.name,
    stack,
    configFile: ["up", "preview", "destroy"].includes(command) ? configFileOf(settings, stack) : undefined,
    policyPacks: flags("--policy-pack"),
}) + "\n");

function fail(message, code = 255) {
    console.error(message);
    process.exit(code);
}

async function sendEvents(events) {
    const target = flag("--event-log");
    if (!target) return;
    if (!target.startsWith("tcp://")) {
        fs.appendFileSync(target, events.map((e) => JSON.stringify(e) + "\n").join(""));
        return;
    }
    // CLIs after 3.205 stream engine events to the Automation API's gRPC events service.
    const { default: grpc } = await import("@grpc/grpc-js");
    const { default: services } = await import("@pulumi/pulumi/proto/events_grpc_pb.js");
    const { default: messages } = await import("@pulumi/pulumi/proto/events_pb.js");
    const client = new services.EventsClient(target.slice("tcp://".length), grpc.credentials.createInsecure());
    await new Promise((resolve, reject) => {
        const call = client.streamEvents((err) => (err ? reject(err) : resolve()));
        for (const event of events) call.write(new messages.EventRequest().setEvent(JSON.stringify(event)));
        call.end();
    });
    client.close();
}

async function operation(op) {
    if (!settings) fail(`error: no Pulumi.yaml project file found in ${process.cwd()}`);
    if (!stacks[key]) fail(`error: no stack named '${stack}' found`);
    const count = scenario.resources?.[settings.name] ?? 3;
    const planning = op === "preview";
    const stepOp = op === "destroy" ? "delete" : stacks[key].deployed ? "same" : "create";
    const events = [{ sequence: 0, timestamp: 0, preludeEvent: { config: {} } }];
    for (let i = 0; i < count; i++) {
        const metadata = { op: stepOp, urn: `urn:pulumi:${stack}::${settings.name}::fake:index:Thing::thing-${i}`, type: "fake:index:Thing" };
        events.push({ sequence: events.length, timestamp: 0, resourcePreEvent: { metadata, planning } });
        events.push({ sequence: events.length, timestamp: 0, resOutputsEvent: { metadata, planning } });
    }
    const findings = scenario.policy?.[settings.name] ?? [];
    for (const [i, f] of findings.entries()) {
        events.push({
            sequence: events.length,
            timestamp: 0,
            policyEvent: {
                resourceUrn: `urn:pulumi:${stack}::${settings.name}::fake:index:Thing::thing-${i}`,
                message: f.message,
                color: "never",
                policyName: f.policy,
                policyPackName: "platform",
                policyPackVersion: "0.0.1",
                policyPackVersionTag: "0.0.1",
                enforcementLevel: f.level === "mandatory" ? "mandatory" : "warning",
            },
        });
    }
    const mandatory = findings.some((f) => f.level === "mandatory");
    const failing = scenario.fail?.project === settings.name && scenario.fail?.command === op;
    if (mandatory) {
        await sendEvents(events);
        fail(`error: ${op} failed: ${findings.filter((f) => f.level === "mandatory").length} mandatory policy violation(s)`);
    }
    if (failing) {
        await sendEvents(events.slice(0, 2));
        fail(`error: ${op} failed: fake:index:Thing (thing-0): creating the thing: AccessDenied`);
    }
    events.push({
        sequence: events.length,
        timestamp: 0,
        summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { [stepOp]: count }, policyPacks: {} },
    });
    await sendEvents(events);
    if (op === "up") stacks[key] = { deployed: true, resources: count, changes: { [stepOp]: count } };
    if (op === "destroy") stacks[key] = { deployed: false, resources: 0, changes: { delete: count } };
    saveStacks();
    const sign = { create: "+", delete: "-", same: " " }[stepOp];
    const steps = argv.includes("--diff") ? Array.from({ length: count }, (_, i) => `${sign} fake:index:Thing: (${stepOp})\n      [urn=urn:pulumi:${stack}::${settings.name}::fake:index:Thing::thing-${i}]\n`).join("") : "";
    console.log(`${op === "preview" ? "Previewing update" : op === "up" ? "Updating" : "Destroying"} (${stack})\n${steps}Resources:\n    ${count} ${stepOp}`);
}

function outputs(showSecrets) {
    const declared = stacks[key]?.deployed ? (scenario.outputs?.[settings?.name] ?? {}) : {};
    const shown = Object.fromEntries(Object.entries(declared).map(([k, o]) => [k, o.secret && !showSecrets ? "[secret]" : o.value]));
    console.log(JSON.stringify(shown));
}

switch (command) {
    case "stack select":
        if (!stacks[key]) fail(`error: no stack named '${stack}' found`);
        break;
    case "stack init":
        if (stacks[key]) fail(`error: stack '${stack}' already exists`);
        stacks[key] = { deployed: false, resources: 0 };
        saveStacks();
        break;
    case "up":
    case "preview":
    case "destroy":
        await operation(command);
        break;
    case "stack output":
        outputs(argv.includes("--show-secrets"));
        break;
    case "stack history": {
        const s = stacks[key];
        const entry = { version: 1, kind: s?.deployed ? "update" : "destroy", startTime: "2026-01-01T00:00:00Z", endTime: "2026-01-01T00:00:01Z", message: "", environment: {}, config: {}, result: "succeeded", resourceChanges: s?.changes ?? {}, resourceCount: s?.resources ?? 0 };
        console.log(JSON.stringify(s?.changes ? [entry] : []));
        break;
    }
    default:
        fail(`fake pulumi: unsupported command: pulumi ${argv.join(" ")}`, 3);
}
