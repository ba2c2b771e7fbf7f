// k8s-check: strict decoding of Kubernetes manifests into the API's own Go types (k8s.io/api):
// an unknown or misspelt field, a wrong type or an unknown kind is an error. What it cannot
// see: server-side defaults and validation (required fields, value ranges), admission.
//
//	k8s-check <file.yaml>...   exit 0 clean, 1 findings (one line each), 2 usage
package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

func target(apiVersion, kind string) any {
	switch apiVersion + "/" + kind {
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}
	case "v1/Secret":
		return &corev1.Secret{}
	case "v1/ConfigMap":
		return &corev1.ConfigMap{}
	case "v1/Pod":
		return &corev1.Pod{}
	case "v1/PersistentVolumeClaim":
		return &corev1.PersistentVolumeClaim{}
	case "apps/v1/StatefulSet":
		return &appsv1.StatefulSet{}
	case "batch/v1/Job":
		return &batchv1.Job{}
	case "batch/v1/CronJob":
		return &batchv1.CronJob{}
	case "rbac.authorization.k8s.io/v1/Role":
		return &rbacv1.Role{}
	case "rbac.authorization.k8s.io/v1/RoleBinding":
		return &rbacv1.RoleBinding{}
	}
	return nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: k8s-check <file.yaml>...")
		os.Exit(2)
	}
	bad, docs := 0, 0
	for _, file := range os.Args[1:] {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			bad++
			continue
		}
		for i, doc := range bytes.Split(data, []byte("\n---")) {
			if strings.TrimSpace(stripComments(string(doc))) == "" {
				continue
			}
			var meta struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal(doc, &meta); err != nil {
				fmt.Fprintf(os.Stderr, "%s (document %d): %v\n", file, i+1, err)
				bad++
				continue
			}
			if meta.APIVersion == "kustomize.config.k8s.io/v1beta1" {
				continue // kustomize's own file, not an API object
			}
			obj := target(meta.APIVersion, meta.Kind)
			if obj == nil {
				fmt.Fprintf(os.Stderr, "%s (document %d): unknown kind %s %s\n", file, i+1, meta.APIVersion, meta.Kind)
				bad++
				continue
			}
			if err := yaml.UnmarshalStrict(doc, obj); err != nil {
				fmt.Fprintf(os.Stderr, "%s (document %d, %s): %v\n", file, i+1, meta.Kind, err)
				bad++
				continue
			}
			docs++
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "k8s-check: %d objects decode strictly into the k8s.io/api types\n", docs)
}

func stripComments(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
