#!/usr/bin/env bash
# Runs the action server's migrations once, as a one-off ECS task of the new action
# image, before the action service is updated: `migrate.sh CLUSTER TASK_DEFINITION_JSON`.
# The task uses the action service's network and DATABASE_URL secret; the deploy stops
# if the migrations fail.
set -euo pipefail
cluster=$1
definition=$(aws ecs register-task-definition --cli-input-json "file://$2" \
  --query 'taskDefinition.taskDefinitionArn' --output text)
network=$(aws ecs describe-services --cluster "$cluster" --services action \
  --query 'services[0].networkConfiguration' --output json)
task=$(aws ecs run-task --cluster "$cluster" --launch-type FARGATE \
  --task-definition "$definition" --network-configuration "$network" \
  --overrides '{"containerOverrides": [{"name": "action", "command": ["actions.storage.migrate"]}]}' \
  --query 'tasks[0].taskArn' --output text)
aws ecs wait tasks-stopped --cluster "$cluster" --tasks "$task"
status=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" \
  --query 'tasks[0].containers[0].exitCode' --output text)
echo "Migrations exited with $status"
test "$status" = 0
