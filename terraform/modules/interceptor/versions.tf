terraform {
  required_version = ">= 1.11.0"
  required_providers {
    aws = {
      version = ">= 5.32.0, < 7.0.0"
      source  = "hashicorp/aws"
    }
  }
}
