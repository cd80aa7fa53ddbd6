output "vpc_id" {
  description = "The VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "The VPC's address range."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "One public subnet per zone, in zone order."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "One private subnet per zone (empty without private_subnets)."
  value       = aws_subnet.private[*].id
}

output "public" {
  description = "The VPC, its range and the public subnets, as the compute module takes them."
  value = {
    vpc_id     = aws_vpc.this.id
    cidr_block = aws_vpc.this.cidr_block
    subnet_ids = aws_subnet.public[*].id
  }
}
