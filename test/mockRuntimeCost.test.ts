import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { MockEngine } from "../synth/engine";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): Monitor };
interface Request { getName(): string; getStacktrace(): { getFramesList(): unknown[] } | undefined }
interface Monitor { registerResource(req: Request, cb: unknown): void }

/** The stack frames the runtime sent with each registration, by resource name. */
async function framesSent(): Promise<Map<string, number>> {
    const engine = new MockEngine("eu-west-1");
    await engine.install("platform-workloads", "test", "acme");
    const monitor = settings.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    const frames = new Map<string, number>();
    monitor.registerResource = (req, cb) => {
        frames.set(req.getName(), req.getStacktrace()?.getFramesList().length ?? 0);
        register(req, cb);
    };
    await engine.run(async () => ({ name: new k8s.core.v1.Namespace("ns", { metadata: { name: "ns" } }).metadata.name }));
    return frames;
}

describe("synth: the mock engine skips what only a real engine uses", () => {
    afterEach(() => delete process.env.PLATFORM_PROMISE_STACKS);

    it("registers resources without Pulumi's per-resource stack trace", async () => {
        assert.equal((await framesSent()).get("ns"), 0);
    });

    it("PLATFORM_PROMISE_STACKS=1 keeps the stack traces, for debugging", async () => {
        process.env.PLATFORM_PROMISE_STACKS = "1";
        assert.ok(((await framesSent()).get("ns") ?? 0) > 0);
    });
});
