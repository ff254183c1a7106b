"""dev runs one of everything; prod runs several, spread, budgeted, autoscaled and pinned by digest."""

import re

from tests.support.deploy import APIS, containers, of_kind, pod_spec, rendered, workloads

DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def test_dev_runs_one_replica_of_everything():
    docs = rendered("dev")
    assert {name: d["spec"]["replicas"] for name, d in of_kind(docs, "Deployment").items()} == dict.fromkeys(
        [*APIS, "web"], 1)
    assert of_kind(docs, "StatefulSet")["nats"]["spec"]["replicas"] == 1
    assert of_kind(docs, "Cluster")["postgres"]["spec"]["instances"] == 1
    assert not of_kind(docs, "HorizontalPodAutoscaler") and not of_kind(docs, "PodDisruptionBudget")


def test_prod_spreads_several_replicas_with_budgets_and_autoscaling():
    docs = rendered("prod")
    deployments = of_kind(docs, "Deployment")
    budgets, autoscalers = of_kind(docs, "PodDisruptionBudget"), of_kind(docs, "HorizontalPodAutoscaler")
    for name, deployment in deployments.items():
        labels = deployment["spec"]["selector"]["matchLabels"]
        assert deployment["spec"]["replicas"] >= 2
        [term] = pod_spec(deployment)["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        assert term["podAffinityTerm"]["labelSelector"]["matchLabels"] == labels
        assert budgets[name]["spec"]["selector"]["matchLabels"] == labels
        assert budgets[name]["spec"]["minAvailable"] < autoscalers[name]["spec"]["minReplicas"]
        assert autoscalers[name]["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                               "name": name}
        assert autoscalers[name]["spec"]["minReplicas"] <= deployment["spec"]["replicas"]
    nats = of_kind(docs, "StatefulSet")["nats"]
    [term] = pod_spec(nats)["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term["topologyKey"] == "kubernetes.io/hostname"
    assert budgets["nats"]["spec"]["maxUnavailable"] == nats["spec"]["replicas"] // 2  # a quorum stays


def test_prod_pins_every_image_by_digest_and_dev_by_tag():
    prod, dev = rendered("prod"), rendered("dev")
    images = [c["image"] for w in workloads(prod) for c in containers(w)]
    images += [cluster["spec"]["imageName"] for cluster in of_kind(prod, "Cluster").values()]
    assert images and all(DIGEST.search(image) for image in images), images
    assert not any(DIGEST.search(c["image"]) for w in workloads(dev) for c in containers(w))
