# A Terraform root that runs fully offline: only the built-in terraform_data resource and
# local-exec provisioners, so `terraform init` downloads nothing. Each resource stands in for a
# piece of a small web service; an apply takes a few seconds so progress can be watched.

terraform {
  required_version = ">= 1.5"
  # Greenlight passes -backend-config=path=<data dir>/stacks/<stack>/terraform.tfstate for
  # stacks with `state: managed`, so sandbox/dev and sandbox/prod keep separate state.
  backend "local" {}
}

variable "environment" {
  type        = string
  description = "Environment name used in resource names"
  default     = "dev"
}

variable "replicas" {
  type        = number
  description = "Number of app replicas"
  default     = 2
  validation {
    condition     = var.replicas >= 0 && var.replicas <= 50
    error_message = "replicas must be between 0 and 50."
  }
}

variable "apply_seconds" {
  type        = number
  description = "Seconds each replica takes to come up (makes progress visible)"
  default     = 2
}

variable "release" {
  type        = string
  description = "Release label of the app (changes only terraform_data.release)"
  default     = "v1"
}

variable "fail_apply" {
  type        = bool
  description = "Make the apply fail on purpose (to see how failures look)"
  default     = false
}

resource "terraform_data" "network" {
  input = {
    name = "sandbox-${var.environment}-net"
    cidr = "10.42.0.0/16"
  }
}

resource "terraform_data" "database" {
  input = {
    name    = "sandbox-${var.environment}-db"
    network = terraform_data.network.output.name
  }
  provisioner "local-exec" {
    command = "sleep ${var.apply_seconds}"
  }
}

resource "terraform_data" "app" {
  count = var.replicas
  input = {
    name     = "sandbox-${var.environment}-app-${count.index}"
    database = terraform_data.database.output.name
  }
  provisioner "local-exec" {
    command = "sleep ${var.apply_seconds}"
  }
}

resource "terraform_data" "release" {
  input = { version = var.release }
}

resource "terraform_data" "gate" {
  # Replaced whenever fail_apply changes; its provisioner exits 1 when fail_apply is true.
  triggers_replace = [var.fail_apply]
  input            = { replicas = var.replicas }
  provisioner "local-exec" {
    command = var.fail_apply ? "echo 'health check failed: app did not become ready' >&2; exit 1" : "echo ready"
  }
  depends_on = [terraform_data.app]
}

output "url" {
  value       = "http://sandbox-${var.environment}.local:8080"
  description = "Where the app would answer"
}

output "replicas" {
  value = var.replicas
}

output "release" {
  value = var.release
}

output "app_names" {
  value = [for a in terraform_data.app : a.output.name]
}
