// Nothing in an environment file is ignored, and nothing in it crashes the loader: keys outside
// `platform:` and the AWS provider's settings are refused naming the key (lib/config/namespaces.ts),
// YAML errors are config errors naming the line (lib/config/load.ts readConfigEntries), and each
// case makes `npm run synth` exit non-zero, naming the key, having written nothing.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, readConfigEntries } from "../lib/config/load";
import { AWS_PROVIDER_KEYS, foreignKeyProblem } from "../lib/config/namespaces";
import { synthCommand } from "../synth/cli";
import { REPO_ROOT, configWith, problemsOf, entriesWith, runCli } from "./helpers";

describe("config namespaces: only platform: and the AWS provider's settings", () => {
    it("a misspelt namespace is refused, with the key it meant", () => {
        assert.deepEqual(problemsOf(entriesWith({ "platfrom:tier": "production" })), [
            'platfrom:tier: "platfrom" is not a namespace the platform reads: did you mean platform:tier?',
        ]);
    });

    it("a layer project's namespace (pulumi config set inside infra/network) is refused", () => {
        assert.deepEqual(problemsOf(entriesWith({ "platform-network:egress": "none" })), [
            "platform-network:egress: is in the namespace of the network layer's project (what `pulumi config set` writes inside its folder), which no layer reads: the environment's settings are platform:egress",
        ]);
    });

    it("another provider's namespace, and a key without a namespace, are refused", () => {
        assert.match(foreignKeyProblem("kubernetes:context")!, /"kubernetes" is not a namespace the platform reads/);
        assert.match(foreignKeyProblem("tier")!, /has no namespace: the environment's settings are platform:<key> \(e.g. platform:tier\)/);
    });

    it("the AWS provider's own settings are accepted; a misspelt one is refused", () => {
        assert.ok(AWS_PROVIDER_KEYS.has("profile") && AWS_PROVIDER_KEYS.has("allowedAccountIds") && AWS_PROVIDER_KEYS.has("defaultTags"));
        assert.equal(configWith({ "aws:profile": "platform-admin", "aws:skipMetadataApiCheck": false }).region, "eu-west-1");
        assert.deepEqual(problemsOf(entriesWith({ "aws:regoin": "eu-west-1" })), ["aws:regoin: is not a setting of the AWS provider: did you mean aws:region?"]);
    });
});

describe("config file: YAML errors are config errors naming the line", () => {
    const problems = (text: string): string[] => {
        try {
            readConfigEntries("Pulumi.x.yaml", text);
        } catch (err) {
            assert.ok(err instanceof ConfigError, String(err));
            assert.match(err.message, /^invalid config in Pulumi\.x\.yaml:/);
            return err.problems;
        }
        return assert.fail("expected a ConfigError");
    };

    it("tab indentation", () => {
        const [problem, ...rest] = problems("config:\n  aws:region: eu-west-1\n\tplatform:tier: production\n");
        assert.deepEqual(rest, []);
        assert.match(problem, /^line 3, column 1: .*[Tt]ab/);
    });

    it("an alias bomb", () => {
        const lines = ["config:", "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
        for (let i = 1; i < 8; i++) lines.push(`  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
        const [problem] = problems(`${lines.join("\n")}\n`);
        assert.match(problem, /^line 3, column \d+: .*alias/i);
    });

    it("a duplicate key", () => {
        assert.match(problems("config:\n  platform:tier: production\n  platform:tier: development\n")[0], /^line 3, column 3: .*[Uu]nique/);
    });

    it("a config that is not a map", () => {
        assert.deepEqual(problems("config: [a, b]\n"), ["an environment file is a map with a `config:` map of settings (platform:<key>: <value>)"]);
    });
});

describe("npm run synth: each silent case exits non-zero, naming the key, and writes nothing", () => {
    let tmp: string;
    const dev = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
    /** The dev file with one change, synthesized into a fresh directory. */
    const synth = async (edit: (text: string) => string) => {
        const file = path.join(tmp, "Pulumi.dev.yaml");
        const edited = edit(dev);
        assert.notEqual(edited, dev, "the edit changed nothing");
        fs.writeFileSync(file, edited);
        const out = path.join(tmp, "out");
        const run = await runCli(synthCommand, ["--config", file, "--out", out]);
        assert.equal(run.status, 1, run.stdout + run.stderr);
        assert.ok(!fs.existsSync(out), "wrote something");
        assert.match(run.stderr, /nothing was written/);
        return run.stderr;
    };
    const withSetting = (setting: string) => (text: string) => text.replace("  platform:tier: development\n", `  platform:tier: development\n${setting}`);

    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "config-file-"));
    });
    afterEach(() => {
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("a required add-on off (ingress-nginx without the load balancer controller)", async () => {
        const stderr = await synth(withSetting("  platform:addons:\n    ingressNginx: { enabled: true }\n    loadBalancerController: { enabled: false }\n"));
        assert.match(stderr, /platform:addons\.loadBalancerController\.enabled: is false, but platform:addons\.ingressNginx \(enabled\) requires loadBalancerController/);
    });

    it("a storage class that does not exist", async () => {
        // dev's stateful application asks for a volume: name a class no add-on creates.
        const stderr = await synth((text) => text.replace(/storage: \{ sizeGiB: (\d+), mountPath: ([^ }]+) \}/, "storage: { sizeGiB: $1, mountPath: $2, storageClass: fast }"));
        assert.match(stderr, /platform:applications\[\d+\]\.storage\.storageClass: "fast" is not a StorageClass of the cluster \(classes: gp3, efs\)/);
    });

    it("secrets without the Secrets Store CSI driver", async () => {
        const stderr = await synth(withSetting("  platform:addons:\n    secretsStore: { enabled: false }\n"));
        assert.match(stderr, /platform:applications\[0\]\.secrets: are mounted by the Secrets Store CSI driver, which is not installed/);
    });

    it("a misspelt namespace", async () => {
        const stderr = await synth((text) => text.replace("  platform:egress: single-nat", "  platfrom:egress: single-nat"));
        assert.match(stderr, /platfrom:egress: "platfrom" is not a namespace the platform reads: did you mean platform:egress\?/);
    });

    it("a tab in the YAML", async () => {
        const stderr = await synth((text) => text.replace("  platform:egress: single-nat", "\tplatform:egress: single-nat"));
        assert.match(stderr, /invalid config in .*Pulumi\.dev\.yaml:\n {2}- line \d+, column 1: .*[Tt]ab/);
    });
});
