# RDS with a mocked AWS: private, encrypted, reachable from the app tiers only,
# the password kept by RDS and not by Terraform.

mock_provider "aws" {
  source = "../../mocks"
}

variables {
  name                      = "birdai-test"
  vpc_id                    = "vpc-1"
  subnet_ids                = ["subnet-private-a", "subnet-private-b"]
  client_security_group_ids = ["sg-app", "sg-worker"]
}

run "private_encrypted_free_tier" {
  command = apply

  assert {
    condition     = !aws_db_instance.this.publicly_accessible
    error_message = "The database has no public address."
  }
  assert {
    condition     = aws_db_instance.this.storage_encrypted
    error_message = "Storage (and so backups and snapshots) is encrypted."
  }
  assert {
    condition     = aws_db_instance.this.engine == "postgres" && aws_db_instance.this.engine_version == "17"
    error_message = "PostgreSQL 17 (PostGIS is an extension of it on RDS)."
  }
  assert {
    condition = (
      aws_db_instance.this.instance_class == "db.t4g.micro" && aws_db_instance.this.allocated_storage == 20 &&
      aws_db_instance.this.max_allocated_storage == 0 && !aws_db_instance.this.multi_az
    )
    error_message = "Free-tier sized: db.t4g.micro, 20 GB that cannot grow, Single-AZ."
  }
  assert {
    condition     = aws_db_instance.this.backup_retention_period == 7 && aws_db_instance.this.copy_tags_to_snapshot
    error_message = "A week of backups, tagged like the database."
  }
  assert {
    condition     = aws_db_subnet_group.this.subnet_ids == toset(var.subnet_ids)
    error_message = "In the private subnets given."
  }
}

run "only_the_app_tiers_connect" {
  command = apply

  assert {
    condition     = [for rule in aws_vpc_security_group_ingress_rule.clients : "${rule.from_port}-${rule.to_port}:${rule.referenced_security_group_id}"] == ["5432-5432:sg-app", "5432-5432:sg-worker"]
    error_message = "5432 from the app and worker groups, nothing else."
  }
  assert {
    condition     = alltrue([for rule in aws_vpc_security_group_ingress_rule.clients : rule.cidr_ipv4 == null])
    error_message = "No address range may connect, only the groups."
  }
  assert {
    condition     = aws_db_instance.this.vpc_security_group_ids == toset([aws_security_group.this.id])
    error_message = "The database has its own group only."
  }
}

run "password_stays_with_rds" {
  command = apply

  assert {
    condition     = aws_db_instance.this.manage_master_user_password && aws_db_instance.this.password == null
    error_message = "RDS makes and keeps the password (Secrets Manager); none is in Terraform."
  }
  assert {
    condition     = aws_secretsmanager_secret_rotation.master[0].rotation_rules[0].automatically_after_days == 365 && !aws_secretsmanager_secret_rotation.master[0].rotate_immediately
    error_message = "Rotated yearly, not RDS's weekly default that would break a running app's DATABASE_URL."
  }
  assert {
    condition     = output.env.DATABASE_URL == "postgres://birdai:PASSWORD@birdai.abcdefghij.us-east-1.rds.amazonaws.com:5432/birdai?sslmode=require"
    error_message = "DATABASE_URL with a placeholder for the password, over TLS."
  }
  assert {
    condition     = strcontains(output.url_command, "--secret-id '${output.password_secret_arn}'") && strcontains(output.url_command, output.env.DATABASE_URL)
    error_message = "The command reads the secret and fills in the URL."
  }
}

run "rds_own_rotation_when_asked" {
  command = plan

  variables {
    password_rotation_days = null
  }

  assert {
    condition     = length(aws_secretsmanager_secret_rotation.master) == 0
    error_message = "null leaves the rotation to RDS."
  }
}
