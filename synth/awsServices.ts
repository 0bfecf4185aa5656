// AWS services: the API endpoint behind each provider module (`aws:<module>/...`), for the deploy
// path (synth/deployPath.ts).
import { DeployPathError } from "./deployPathTypes";

export interface AwsService {
    name: string;
    /** Host prefix: `<prefix>.<region>.amazonaws.com`, or `<prefix>.amazonaws.com` for a global service. */
    prefix: string;
    global?: boolean;
    /** Interface endpoint service suffix: `com.amazonaws.<region>.<privateLink>`. */
    privateLink?: string;
}

export const SERVICES = {
    sts: { name: "AWS STS", prefix: "sts", privateLink: "sts" },
    ec2: { name: "Amazon EC2 (VPC, subnets, routes, security groups, launch templates)", prefix: "ec2", privateLink: "ec2" },
    ecr: { name: "Amazon ECR API", prefix: "api.ecr", privateLink: "ecr.api" },
    efs: { name: "Amazon EFS", prefix: "elasticfilesystem", privateLink: "elasticfilesystem" },
    eks: { name: "Amazon EKS", prefix: "eks", privateLink: "eks" },
    iam: { name: "AWS IAM (global)", prefix: "iam", global: true },
    kms: { name: "AWS KMS", prefix: "kms", privateLink: "kms" },
    s3: { name: "Amazon S3", prefix: "s3", privateLink: "s3" },
    sqs: { name: "Amazon SQS", prefix: "sqs", privateLink: "sqs" },
    sns: { name: "Amazon SNS", prefix: "sns", privateLink: "sns" },
    logs: { name: "Amazon CloudWatch Logs", prefix: "logs", privateLink: "logs" },
    events: { name: "Amazon EventBridge", prefix: "events", privateLink: "events" },
    monitoring: { name: "Amazon CloudWatch", prefix: "monitoring", privateLink: "monitoring" },
    secretsmanager: { name: "AWS Secrets Manager", prefix: "secretsmanager", privateLink: "secretsmanager" },
    ssm: { name: "AWS Systems Manager", prefix: "ssm", privateLink: "ssm" },
    acm: { name: "AWS Certificate Manager", prefix: "acm", privateLink: "acm" },
    elb: { name: "Elastic Load Balancing", prefix: "elasticloadbalancing", privateLink: "elasticloadbalancing" },
    autoscaling: { name: "Amazon EC2 Auto Scaling", prefix: "autoscaling", privateLink: "autoscaling" },
    route53: { name: "Amazon Route 53 (global)", prefix: "route53", global: true },
} satisfies Record<string, AwsService>;
export type ServiceKey = keyof typeof SERVICES;

/** `aws:<module>`: the service its resources and data sources call. CloudWatch's module spans three services. */
const MODULE_SERVICE: Record<string, ServiceKey | ((member: string) => ServiceKey)> = {
    ec2: "ec2", ec2transitgateway: "ec2", vpc: "ec2",
    ecr: "ecr", efs: "efs", eks: "eks", iam: "iam", kms: "kms", s3: "s3", sqs: "sqs", sns: "sns",
    secretsmanager: "secretsmanager", ssm: "ssm", acm: "acm", lb: "elb", alb: "elb", autoscaling: "autoscaling", route53: "route53",
    cloudwatch: (member) => (/^event/i.test(member) ? "events" : /^log/i.test(member) ? "logs" : "monitoring"),
};

/** Data sources the AWS provider answers from its own configuration, without an API call. */
const LOCAL_CALLS = new Set(["aws:index/getPartition:getPartition", "aws:index/getRegion:getRegion"]);
const CALL_SERVICE: Record<string, ServiceKey> = { "aws:index/getCallerIdentity:getCallerIdentity": "sts" };

/** The AWS service a resource type or data-source token calls; fails on a module no table knows. */
export function awsServiceOf(token: string): ServiceKey | undefined {
    if (LOCAL_CALLS.has(token)) return undefined;
    if (CALL_SERVICE[token]) return CALL_SERVICE[token];
    const match = /^aws:([^/]+)\/([^:]+):/.exec(token);
    const entry = match && MODULE_SERVICE[match[1]];
    if (!match || !entry) {
        throw new DeployPathError(`${token}: which AWS API endpoint it calls is not known; add its module to MODULE_SERVICE (synth/awsServices.ts)`);
    }
    return typeof entry === "function" ? entry(match[2]) : entry;
}
