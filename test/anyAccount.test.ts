// Any account: `platform:accountId` drives the mock engine's fixtures, the policy pack, the image
// lists and the pre-warm script. A copy of Pulumi.prod.yaml with another account id synthesizes,
// passes the plays and the policy rules, and `npm run images -- --config <file>` writes a pre-warm
// script for that account (and no path of the machine that wrote it).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfigFile } from "../lib/config/load";
import { checkPlan } from "../plays";
import { violations } from "../policy/report";
import { imagesCommand } from "../synth/imagesCli";
import { synthesize } from "../synth/synth";
import { REPO_ROOT, problemsOf, entriesWith, runCli } from "./helpers";

const TEST_ACCOUNT = "111122223333";
const OTHER_ACCOUNT = "444455556666";

describe("any account: platform:accountId", () => {
    let tmp: string;
    let file: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "any-account-"));
        file = path.join(tmp, "Pulumi.prod.yaml");
        fs.writeFileSync(file, fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8").replaceAll(TEST_ACCOUNT, OTHER_ACCOUNT));
    });
    after(() => {
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("is required in production, and the AWS provider's allowedAccountIds must be exactly it", () => {
        const prod = { "platform:tier": "production", "platform:egress": "single-nat", "platform:accountId": undefined, "aws:allowedAccountIds": undefined };
        assert.ok(problemsOf(entriesWith(prod)).includes("platform:accountId: is required in production: the AWS account the environment deploys to (12 digits)"));
        const other = problemsOf(entriesWith({ ...prod, "platform:accountId": OTHER_ACCOUNT }));
        assert.ok(other.includes(`aws:allowedAccountIds: must be ["${OTHER_ACCOUNT}"] (platform:accountId), so that the AWS provider of every layer refuses to act in any other account`), other.join("\n"));
        // The cache's Docker Hub credential of the base config is a secret of the test account: ECR could not read it.
        assert.ok(other.some((p) => p.startsWith("platform:imageCache.dockerHubCredentialArn: ") && p.includes(`is a secret of account ${TEST_ACCOUNT}, not of this environment's account ${OTHER_ACCOUNT}`)), other.join("\n"));
        assert.ok(problemsOf(entriesWith({ "platform:accountId": OTHER_ACCOUNT, "aws:allowedAccountIds": [OTHER_ACCOUNT, TEST_ACCOUNT] })).includes(
            `aws:allowedAccountIds: must be ["${OTHER_ACCOUNT}"] (platform:accountId), so that the AWS provider of every layer refuses to act in any other account; it is ["${OTHER_ACCOUNT}","${TEST_ACCOUNT}"]`,
        ));
        assert.deepEqual(problemsOf(entriesWith({ "platform:accountId": "4444" })), ['platform:accountId: "4444" is not an AWS account id (12 digits, quoted)']);
    });

    it("an application image in another account's ECR is a config error", () => {
        const problems = problemsOf(entriesWith({
            "platform:accountId": OTHER_ACCOUNT,
            "aws:allowedAccountIds": [OTHER_ACCOUNT],
            "platform:access": { teams: [{ name: "shop", roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/shop`, namespaces: ["shop"] }] },
            "platform:applications": [{
                name: "job", team: "shop", namespace: "shop", kind: "job", image: `${TEST_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/job:1.0.0`,
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
            }],
        }));
        assert.ok(problems.includes(`platform:applications[0].image: "${TEST_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/job:1.0.0" is in the ECR of account ${TEST_ACCOUNT}, not of this environment's account ${OTHER_ACCOUNT} (platform:accountId)`), problems.join("\n"));
    });

    it("a copy of prod in another account synthesizes as that account, passes the plays and the policy pack", async () => {
        const { plan } = await synthesize(loadConfigFile(file));
        assert.equal(plan.accountId, OTHER_ACCOUNT);
        const text = JSON.stringify(plan);
        assert.ok(!text.includes(TEST_ACCOUNT), "the plan still names the fixtures' account");
        assert.ok(text.includes(`arn:aws:iam::${OTHER_ACCOUNT}:role/`));
        const { problems, report } = checkPlan(plan);
        assert.deepEqual(problems, []);
        assert.deepEqual(violations(report, "mandatory"), []);
    });

    it("npm run images -- --config <file> writes a portable pre-warm script for that account", async () => {
        const out = path.join(tmp, "out");
        const run = await runCli(imagesCommand, ["--config", file, "--out", out]);
        assert.equal(run.status, 0, run.stdout + run.stderr);
        const script = fs.readFileSync(path.join(out, "prod", "images", "prewarm.sh"), "utf8");
        assert.match(script, new RegExp(`docker login --username AWS --password-stdin ${OTHER_ACCOUNT}\\.dkr\\.ecr\\.eu-west-1\\.amazonaws\\.com`));
        assert.ok(!script.includes(TEST_ACCOUNT) && !script.includes(tmp) && !script.includes(REPO_ROOT), script);
    });
});
