package io.kairos.worker.custom;

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.worker.KairosJob;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The application's own job types: every {@link KairosJob} bean class implementing {@link
 * JobHandler} and every {@link KairosJob} bean method. Found from the bean definitions' types, so
 * no handler bean is created before the worker runs it: a handler may itself depend on Kairos (to
 * schedule jobs) without a cycle.
 */
public final class CustomJobTypes {

  private final List<CustomJobType<?>> types;

  private CustomJobTypes(List<CustomJobType<?>> types) {
    this.types = List.copyOf(types);
  }

  public List<CustomJobType<?>> types() {
    return types;
  }

  /**
   * @throws IllegalStateException naming the bean, when a type is declared twice, a handler's
   *     payload class cannot be told, or a method's parameters are not (payload[, JobContext])
   */
  public static CustomJobTypes scan(ConfigurableListableBeanFactory beans) {
    Map<String, CustomJobType<?>> byName = new LinkedHashMap<>();
    for (String beanName : beans.getBeanDefinitionNames()) {
      Class<?> beanType = beans.getType(beanName, false);
      if (beanType == null) {
        continue;
      }
      Class<?> userType = ClassUtils.getUserClass(beanType);
      List<CustomJobType<?>> found = new ArrayList<>();
      KairosJob onClass = AnnotatedElementUtils.findMergedAnnotation(userType, KairosJob.class);
      if (onClass != null) {
        found.add(handlerBean(beans, beanName, userType, onClass));
      }
      Map<Method, KairosJob> methods =
          MethodIntrospector.selectMethods(
              userType,
              (MethodIntrospector.MetadataLookup<KairosJob>)
                  method -> AnnotatedElementUtils.findMergedAnnotation(method, KairosJob.class));
      methods.forEach(
          (method, annotation) -> found.add(method(beans, beanName, method, annotation)));
      for (CustomJobType<?> type : found) {
        CustomJobType<?> earlier = byName.putIfAbsent(type.type().name(), type);
        if (earlier != null) {
          throw new IllegalStateException(
              "job type '"
                  + type.type().name()
                  + "' is declared twice: by "
                  + earlier.declaredBy()
                  + " and by "
                  + type.declaredBy());
        }
      }
    }
    return new CustomJobTypes(new ArrayList<>(byName.values()));
  }

  private static CustomJobType<?> handlerBean(
      ConfigurableListableBeanFactory beans,
      String beanName,
      Class<?> userType,
      KairosJob annotation) {
    String declaredBy = "bean '" + beanName + "' (" + userType.getName() + ")";
    if (!JobHandler.class.isAssignableFrom(userType)) {
      throw new IllegalStateException(
          "@KairosJob on "
              + declaredBy
              + ": a class carrying it must implement JobHandler<P>; on a method, it takes the"
              + " payload and, optionally, the JobContext");
    }
    Class<?> payload = ResolvableType.forClass(userType).as(JobHandler.class).resolveGeneric(0);
    if (payload == null) {
      throw new IllegalStateException(
          "@KairosJob on "
              + declaredBy
              + ": cannot tell its payload class; implement JobHandler<YourPayloadRecord>");
    }
    return lazyHandler(type(annotation, payload, declaredBy), beans, beanName, declaredBy);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <P> CustomJobType<P> lazyHandler(
      JobType<P> type, ConfigurableListableBeanFactory beans, String beanName, String declaredBy) {
    JobHandler<P> handler =
        (payload, context) -> ((JobHandler) beans.getBean(beanName)).handle(payload, context);
    return new CustomJobType<>(type, handler, declaredBy);
  }

  private static CustomJobType<?> method(
      ConfigurableListableBeanFactory beans, String beanName, Method method, KairosJob annotation) {
    String declaredBy = "method " + method.getDeclaringClass().getName() + "." + method.getName();
    Class<?>[] parameters = method.getParameterTypes();
    boolean withContext = parameters.length == 2 && parameters[1] == JobContext.class;
    if (parameters.length != 1 && !withContext) {
      throw new IllegalStateException(
          "@KairosJob on "
              + declaredBy
              + ": it must take the payload and, optionally, the JobContext:"
              + " (Payload payload) or (Payload payload, JobContext context)");
    }
    return invoking(
        type(annotation, parameters[0], declaredBy),
        beans,
        beanName,
        method,
        withContext,
        declaredBy);
  }

  private static <P> CustomJobType<P> invoking(
      JobType<P> type,
      ConfigurableListableBeanFactory beans,
      String beanName,
      Method method,
      boolean withContext,
      String declaredBy) {
    ReflectionUtils.makeAccessible(method);
    JobHandler<P> handler =
        (payload, context) -> {
          Object bean = beans.getBean(beanName);
          Method target = AopUtils.selectInvocableMethod(method, bean.getClass());
          try {
            if (withContext) {
              target.invoke(bean, payload, context);
            } else {
              target.invoke(bean, payload);
            }
          } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
              throw exception;
            }
            throw (Error) cause;
          }
        };
    return new CustomJobType<>(type, handler, declaredBy);
  }

  private static <P> JobType<P> type(KairosJob annotation, Class<P> payload, String declaredBy) {
    try {
      return new JobType<>(
          annotation.value(),
          payload,
          annotation.description(),
          List.of(annotation.secretFields()));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("@KairosJob on " + declaredBy + ": " + e.getMessage(), e);
    }
  }
}
