// What is right today, kept from regressing, and what AWS refuses late: KMS key rotation, EFS
// encrypted with the platform's key, buckets' access logs, one access entry per role.
import { isTrue, ofType, rule, verdict, type Finding, type PolicyResource } from "../rule";

export const kmsKeyRotation = rule(
    {
        id: "kms-key-rotation",
        description: "Every customer-managed KMS key rotates its key material yearly.",
        severity: "mandatory",
        reference: "CIS AWS Foundations Benchmark 3.6 (ensure rotation for customer-created symmetric CMKs is enabled)",
    },
    (stack) => ofType(stack, "aws:kms/key:Key").map((r) => verdict(r, isTrue(r.props.enableKeyRotation) ? undefined : "key rotation is off: set enableKeyRotation: true", "rotation on")),
);

export const efsPlatformKey = rule(
    {
        id: "efs-platform-key",
        description: "Every EFS file system is encrypted with the platform's customer-managed KMS key (not the AWS-managed aws/elasticfilesystem key).",
        severity: "mandatory",
        reference: "EKS Best Practices: Security, Data encryption and secrets management (encryption at rest with customer-managed keys)",
    },
    (stack) =>
        ofType(stack, "aws:efs/fileSystem:FileSystem").map((r) => {
            const key = typeof r.props.kmsKeyId === "string" ? r.props.kmsKeyId : undefined;
            const problem = !isTrue(r.props.encrypted)
                ? "not encrypted"
                : key === undefined
                    ? "encrypted with the AWS-managed key: give it the platform's KMS key (kmsKeyId)"
                    : !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\//.test(key)
                            ? `kmsKeyId ${key} is not a customer-managed key ARN`
                            : undefined;
            return verdict(r, problem, `encrypted with ${key}`);
        }),
);

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const LOGGING_TYPES = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"];

export const bucketLogged = rule(
    {
        id: "s3-bucket-access-logged",
        description: "Every platform bucket has server access logging to a log bucket (log buckets themselves excepted).",
        severity: "mandatory",
        reference: "CIS AWS Foundations Benchmark 2.1.x / AWS Security Hub S3.9 (S3 server access logging)",
    },
    (stack) => {
        const logging = ofType(stack, ...LOGGING_TYPES);
        const targets = new Set(logging.map((l) => String(l.props.targetBucket ?? "")));
        return ofType(stack, ...BUCKET_TYPES)
            .filter((b) => !targets.has(String(b.props.bucket)))
            .map((b) => {
                const logged = logging.some((l) => l.dependencies.includes(b.urn) || l.props.bucket === b.props.bucket);
                return verdict(b, logged ? undefined : "no server access logging: who read or deleted its objects is not recorded", "access logged");
            });
    },
);

export const oneAccessEntryPerPrincipal = rule(
    {
        id: "eks-one-access-entry-per-principal",
        description: "Each IAM principal has one access entry per cluster (EKS refuses a second one).",
        severity: "mandatory",
        reference: "Amazon EKS API: CreateAccessEntry (ResourceInUseException for an existing principal)",
    },
    (stack): Finding[] => {
        const entries = ofType(stack, "aws:eks/accessEntry:AccessEntry");
        const key = (r: PolicyResource) => `${String(r.props.clusterName)} ${String(r.props.principalArn)}`;
        return entries.map((r) => {
            const first = entries.find((x) => key(x) === key(r));
            return verdict(r, first && first !== r ? `${String(r.props.principalArn)} already has the access entry ${first.name}` : undefined, "one entry for its principal");
        });
    },
);

export const PLATFORM_DATA_RULES = [kmsKeyRotation, efsPlatformKey, bucketLogged, oneAccessEntryPerPrincipal];
