// platform:cluster:Fargate: the pod execution role and the Fargate profiles, in private subnets
// only, chained one after another (EKS handles one Fargate profile change at a time per cluster).
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../lib/config/schema";
import { policy, roleWithPolicies, serviceTrust } from "../../lib/iam";

export interface FargateArgs {
    clusterName: string;
    /** Private subnets only: Fargate pods never get public addresses. */
    privateSubnetIds: pulumi.Input<string[]>;
    profiles: PlatformConfig["fargateProfiles"];
    logging: PlatformConfig["fargateLogging"];
    region: string;
    accountId: pulumi.Input<string>;
    /** Needed for Fargate logging (the aws-observability namespace and ConfigMap). */
    k8sProvider: k8s.Provider;
}

export class Fargate extends pulumi.ComponentResource {
    readonly podExecutionRoleArn: pulumi.Output<string>;
    /** The last profile: whatever must run on Fargate waits for it. */
    readonly ready: pulumi.Resource[];
    /** The CloudWatch log group Fargate's log router writes pods' logs to, when logging is on. */
    readonly logGroupArn: pulumi.Output<string | undefined>;

    constructor(name: string, args: FargateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:Fargate", name, {}, opts);
        const sourceArn = pulumi.interpolate`arn:aws:eks:${args.region}:${args.accountId}:fargateprofile/${args.clusterName}/*`;
        const role = roleWithPolicies(`${name}-fargate`, {
            description: `Fargate pod execution role of ${args.clusterName}`,
            assumeRolePolicy: sourceArn.apply((arn) => JSON.stringify(serviceTrust("eks-fargate-pods.amazonaws.com", { ArnLike: { "aws:SourceArn": arn } }))),
            managedPolicies: ["AmazonEKSFargatePodExecutionRolePolicy"],
        }, { parent: this });

        let previous: pulumi.Resource | undefined;
        for (const profile of args.profiles) {
            previous = new aws.eks.FargateProfile(`${name}-${profile.name}`, {
                clusterName: args.clusterName,
                fargateProfileName: profile.name,
                podExecutionRoleArn: role.arn,
                subnetIds: args.privateSubnetIds,
                selectors: profile.selectors,
            }, { parent: this, dependsOn: previous ? [previous] : [] });
        }

        this.logGroupArn = args.logging.enabled ? this.enableLogging(name, role, args) : pulumi.output(undefined);

        this.podExecutionRoleArn = role.arn;
        this.ready = previous ? [previous] : [];
        this.registerOutputs({ podExecutionRoleArn: this.podExecutionRoleArn });
    }

    /** Fargate's built-in Fluent Bit ships pod logs to CloudWatch when the aws-logging ConfigMap exists. */
    private enableLogging(name: string, role: aws.iam.Role, args: FargateArgs): pulumi.Output<string | undefined> {
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-fargate`, {
            name: `/aws/eks/${args.clusterName}/fargate`,
            retentionInDays: args.logging.retentionDays,
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-fargate-logging`, {
            role: role.id,
            policy: logGroup.arn.apply((arn) => JSON.stringify(policy({
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                Resource: [arn, `${arn}:*`],
            }))),
        }, { parent: this });
        const namespace = new k8s.core.v1.Namespace(`${name}-aws-observability`, {
            metadata: { name: "aws-observability", labels: { "aws-observability": "enabled" } },
        }, { parent: this, provider: args.k8sProvider });
        new k8s.core.v1.ConfigMap(`${name}-aws-logging`, {
            metadata: { name: "aws-logging", namespace: namespace.metadata.name },
            data: {
                "output.conf": pulumi.interpolate`[OUTPUT]
    Name cloudwatch_logs
    Match *
    region ${args.region}
    log_group_name ${logGroup.name}
    log_stream_prefix fargate-
    auto_create_group false
`,
            },
        }, { parent: this, provider: args.k8sProvider });
        return logGroup.arn;
    }
}
