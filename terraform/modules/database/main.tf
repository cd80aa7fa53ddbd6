# RDS for PostgreSQL, private: in subnets with no route out, reachable on 5432 only
# from the security groups given, encrypted, with TLS enforced (rds.force_ssl is on
# by default from PostgreSQL 15). The master password is made and kept by RDS in
# Secrets Manager (~0.40 USD a month), so it is in no Terraform file, plan or
# state; outputs say how to read it.
#
# PostGIS is an extension, not an engine: RDS ships it, and the master user (who
# has rds_superuser) creates it. Django's `migrate` does that by itself on a new
# database (CREATE EXTENSION IF NOT EXISTS postgis), or run it yourself first:
#   psql "host=ENDPOINT user=birdai dbname=birdai sslmode=require" -c "CREATE EXTENSION postgis"

resource "aws_db_subnet_group" "this" {
  name_prefix = "${var.name}-"
  description = "bird.ai database, private subnets"
  subnet_ids  = var.subnet_ids
  tags        = { Name = var.name }
}

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-db-"
  description = "bird.ai database: PostgreSQL from the app tiers only"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name}-db" }

  lifecycle {
    create_before_destroy = true
  }
}

# The database answers; it starts no connection, so the group has no egress rule.
resource "aws_vpc_security_group_ingress_rule" "clients" {
  count                        = length(var.client_security_group_ids)
  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from the app tiers"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = var.client_security_group_ids[count.index]
  tags                         = { Name = "${var.name}-db-client-${count.index}" }
}

resource "aws_db_instance" "this" {
  #checkov:skip=CKV_AWS_157:Multi-AZ doubles the price and is outside the free tier; a course database can wait for a restore
  #checkov:skip=CKV_AWS_118:enhanced monitoring is billed as CloudWatch Logs; the basic metrics do for a course
  #checkov:skip=CKV_AWS_353:Performance Insights is not needed for a course database; turn it on here if you want it
  #checkov:skip=CKV_AWS_293:deletion protection is a variable (deletion_protection), off so that a course can tear down
  #checkov:skip=CKV2_AWS_30:query logging would log every statement to CloudWatch (billed per GB); the postgresql log is exported
  identifier     = var.name
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = 0
  storage_type          = "gp3"
  storage_encrypted     = true

  db_name                     = var.db_name
  username                    = var.username
  manage_master_user_password = true

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  multi_az               = false

  iam_database_authentication_enabled = true
  auto_minor_version_upgrade          = true
  backup_retention_period             = var.backup_retention_days
  copy_tags_to_snapshot               = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]
  deletion_protection                 = var.deletion_protection
  skip_final_snapshot                 = !var.final_snapshot
  final_snapshot_identifier           = var.final_snapshot ? "${var.name}-final" : null

  tags = { Name = var.name }
}

# RDS rotates the password every 7 days unless told otherwise; the app would lose
# the database a week after each deployment. Rotate it on a schedule you choose.
# (moto cannot cancel a managed rotation, so its tests set the variable to null.)
resource "aws_secretsmanager_secret_rotation" "master" {
  #checkov:skip=CKV_AWS_304:yearly by default: every rotation means a new DATABASE_URL and a restart of the app; password_rotation_days sets it
  count              = var.password_rotation_days == null ? 0 : 1
  secret_id          = aws_db_instance.this.master_user_secret[0].secret_arn
  rotate_immediately = false

  rotation_rules {
    automatically_after_days = var.password_rotation_days
  }
}
