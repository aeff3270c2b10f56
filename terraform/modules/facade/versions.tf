terraform {
  required_version = ">= 1.11.0"
  required_providers {
    aws = {
      version = ">= 6.26.0, < 7.0.0"
      source  = "hashicorp/aws"
    }
  }
}
