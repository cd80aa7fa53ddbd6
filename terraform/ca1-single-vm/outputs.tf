output "public_ip" {
  description = "The VM's fixed public address."
  value       = local.host.public_ip
}

output "public_dns" {
  description = "The VM's public DNS name."
  value       = local.host.public_dns
}

output "url" {
  description = "The site, once the containers run (docs/stages/ca1.md, step 6)."
  value       = "http://${local.host.public_dns}:8000/"
}

output "ssh" {
  description = "How to log in (Ubuntu's user is ubuntu)."
  value       = "ssh ubuntu@${local.host.public_ip}"
}

output "app_env" {
  description = "The settings this stage decides, by name."
  value       = local.env
}

output "env_file" {
  description = "Lines for /etc/birdai.env (add BIRDAI_SECRET_KEY yourself; replace PASSWORD)."
  value       = join("\n", [for name in sort(keys(local.env)) : "${name}=${local.env[name]}"])
}

output "ansible_inventory" {
  description = "ansible/inventories/ca1/hosts.yml for this VM, the other way to deploy it."
  value = yamlencode({
    all = {
      hosts    = { birdai = { ansible_host = local.host.public_ip, birdai_address = local.host.private_ip } }
      children = { for group in ["db", "app", "worker", "proxy"] : group => { hosts = { birdai = null } } }
    }
  })
}
