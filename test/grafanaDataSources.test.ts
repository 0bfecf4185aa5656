// Grafana's data sources as Grafana reads them: every provisioned data source's keys are ones Grafana
// reads (lib/grafanaDataSources, from Grafana 13.2's docs and source), the CloudWatch data source's
// credentials (`authType: default`, the AWS SDK's chain) reach the role EKS Pod Identity gives
// Grafana's service account only with a Grafana whose AWS SDK has the container credentials
// provider, and that role grants what Grafana's docs list for metrics and logs.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import * as YAML from "yaml";
import { grafanaDataSources } from "../addons/thirdParty/monitoring";
import { monitoring } from "../lib/addons/monitoring";
import { dataSourceProblems } from "../lib/grafanaDataSources";
import { allows, unknownAction, type IamStatement } from "../lib/iamEffect";
import { CHARTS_ROOT, readSnapshot } from "../plays/charts";
import type { Plan } from "../synth/synth";
import { resourcesOf, synthEnv } from "./helpers";

type AnyValues = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Grafana docs, "Configure CloudWatch", IAM policy examples: "Metrics and logs permissions". */
const GRAFANA_DOCUMENTED_ACTIONS = [
    "cloudwatch:DescribeAlarmsForMetric", "cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms", "cloudwatch:ListMetrics", "cloudwatch:GetMetricData", "cloudwatch:GetInsightRuleReport",
    "pi:GetResourceMetrics",
    "logs:DescribeLogGroups", "logs:GetLogGroupFields", "logs:StartQuery", "logs:StopQuery", "logs:GetQueryResults", "logs:GetLogEvents",
    "ec2:DescribeTags", "ec2:DescribeInstances", "ec2:DescribeRegions",
    "tag:GetResources",
];

/**
 * The first Grafana whose CloudWatch data source uses aws-sdk-go-v2 (grafana/grafana#107136, in 12.1;
 * backported to 12.0.5 and 11.6.6): aws-sdk-go v1 refused EKS Pod Identity's credentials endpoint
 * ("only loopback hosts are allowed", grafana/grafana#100801).
 */
const POD_IDENTITY_GRAFANA = ">=12.1.0 || ~12.0.5 || ~11.6.6";

const releaseValues = (plan: Plan): AnyValues =>
    (resourcesOf(plan, "addons", "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "kube-prometheus-stack") ?? assert.fail("no kube-prometheus-stack")).inputs.values as AnyValues;

describe("Grafana's data sources", () => {
    let plans: Record<string, Plan>;
    before(async () => {
        plans = { dev: await synthEnv("dev"), prod: await synthEnv("prod") };
    });

    it("provisions only keys and values Grafana reads (dev, prod)", () => {
        for (const env of ["dev", "prod"]) {
            const sources = releaseValues(plans[env]).grafana.additionalDataSources as AnyValues[];
            assert.ok(sources.some((s) => s.type === "cloudwatch"), env);
            for (const s of sources) assert.deepEqual(dataSourceProblems(s), [], `${env} ${s.name}`);
        }
    });

    it("refuses what Grafana would ignore or misread, naming the data source and key", () => {
        const [cloudwatch] = grafanaDataSources({ region: "eu-west-1", fargateLogGroupArn: "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/acme-dev/fargate" });
        const jsonData = cloudwatch.jsonData as AnyValues;
        const broken = (change: AnyValues) => dataSourceProblems({ ...cloudwatch, jsonData: { ...jsonData, ...change } });
        assert.deepEqual(dataSourceProblems(cloudwatch), []);
        assert.match(broken({ authType: "pod_identity" }).join(), /"CloudWatch": jsonData\.authType: Invalid option: expected one of "default"/);
        assert.match(broken({ region: "eu-west-1" }).join(), /"CloudWatch": jsonData: .*region/);
        assert.match(broken({ defaultRegion: "" }).join(), /defaultRegion: is not an AWS region/);
        assert.match(broken({ logGroups: [{ arn: "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/acme-dev/fargate:*", name: "/aws/eks/acme-dev/fargate" }] }).join(), /logGroups\.0\.arn/);
        assert.match(broken({ logGroups: [{ arn: jsonData.logGroups[0].arn, name: "fargate" }] }).join(), /"fargate" is not the name in its ARN/);
        assert.throws(() => grafanaDataSources({ region: "", fargateLogGroupArn: undefined }), /grafana\.additionalDataSources:\n {2}Grafana data source "CloudWatch": jsonData\.defaultRegion/);
    });

    it("lets Grafana's role do what Grafana's docs list for CloudWatch metrics and logs, with real IAM actions", () => {
        for (const env of ["dev", "prod"]) {
            const policies = resourcesOf(plans[env], "addons", "aws:iam/rolePolicy:RolePolicy").filter((r) => r.name.includes("monitoring-pod-identity"));
            assert.equal(policies.length, 1, env);
            const statements = JSON.parse(String(policies[0].inputs.policy)).Statement as IamStatement[];
            for (const s of statements) for (const a of [s.Action ?? []].flat() as string[]) assert.equal(unknownAction(a), undefined, `${env}: ${a}`);
            for (const a of GRAFANA_DOCUMENTED_ACTIONS) assert.equal(unknownAction(a), undefined, a);
            const missing = GRAFANA_DOCUMENTED_ACTIONS.filter((a) => !statements.some((s) => allows(s, a)));
            assert.deepEqual(missing, [], `${env}: Grafana's role lacks what its CloudWatch data source calls`);
        }
    });

    it("runs a Grafana whose AWS SDK takes EKS Pod Identity's credentials, which is how its role reaches it", () => {
        const associations = resourcesOf(plans.prod, "addons", "aws:eks/podIdentityAssociation:PodIdentityAssociation").filter((r) => r.inputs.serviceAccount === "grafana");
        assert.equal(associations.length, 1, "Grafana's role comes from EKS Pod Identity");
        assert.equal(associations[0].inputs.namespace, "monitoring");
        const pin = monitoring.charts.monitoring;
        const chart = readSnapshot(CHARTS_ROOT, pin.chart, pin.version) ?? assert.fail(`no snapshot of ${pin.chart} ${pin.version}`);
        const grafana = chart.subcharts.get("grafana")?.snapshot ?? assert.fail("no grafana subchart snapshot");
        const appVersion = String(YAML.parse(fs.readFileSync(path.join(grafana.dir, "Chart.yaml"), "utf8")).appVersion);
        // The platform does not override the chart's image tag (the appVersion is what runs).
        for (const env of ["dev", "prod"]) assert.equal(releaseValues(plans[env]).grafana.image?.tag, undefined, env);
        assert.ok(semver.satisfies(semver.coerce(appVersion) ?? "0.0.0", POD_IDENTITY_GRAFANA), `Grafana ${appVersion} (${pin.chart} ${pin.version}) cannot use EKS Pod Identity credentials (${POD_IDENTITY_GRAFANA})`);
    });
});
